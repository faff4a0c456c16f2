"""torch.Size: a tuple of ints that prints as torch.Size([2, 3])."""
import operator


class Size(tuple):
    # type(x.shape) prints <class 'torch.Size'> as in PyTorch; pickling goes through
    # __reduce__ (_rebuild_size, found in this module), not this path
    __module__ = "torch"

    def __new__(cls, sizes=()):
        return super().__new__(cls, (operator.index(s) for s in sizes))

    def __reduce__(self):
        return (_rebuild_size, (tuple(self),))

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def __getitem__(self, key):
        r = super().__getitem__(key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


def _rebuild_size(sizes):
    return Size(sizes)


def parse_size(args, what="size"):
    """Sizes may come as varargs, one list/tuple/Size, or nothing. Strings -> TypeError."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = args[0]
    out = []
    for s in args:
        if type(s) is int:  # the common case, without the checks below
            out.append(s)
            continue
        if hasattr(s, "item") and hasattr(s, "ndim") and getattr(s, "ndim", 1) == 0:
            s = s.item()
        if isinstance(s, bool) or not hasattr(s, "__index__"):
            raise TypeError(f"{what} must be tuple of ints, but got {type(s).__name__}")
        s = operator.index(s)
        out.append(s)
    return tuple(out)
