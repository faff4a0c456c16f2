"""reshape, permute, flip, tile and expand as PyTorch takes their sizes.

The torch.* functions take ONE sequence (torch.reshape(x, (3, 2)), torch.flip(x, [0]));
a bare int or a string there is a TypeError.  The Tensor methods take the sizes as
varargs, as one sequence, or by keyword (x.flip(0, 1), x.flip([0, 1]), x.flip(dims=[0]),
x.expand(size=(3, 2))).  Both forms end in the same op (views.py, joining.py).
"""
import operator

from .._size import parse_size
from . import joining, views


def int_sequence(value, fname, argname, position=None):
    """value as a tuple of ints, or PyTorch's TypeError for anything but a sequence of ints."""
    where = f"argument '{argname}'" + (f" (position {position})" if position else "")
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{fname}(): {where} must be tuple of ints, not {type(value).__name__}")
    out = []
    for i, v in enumerate(value):
        if hasattr(v, "ndim") and v.ndim == 0 and hasattr(v, "item"):
            v = v.item()
        if isinstance(v, bool) or not hasattr(v, "__index__"):
            raise TypeError(f"{fname}(): {where} must be tuple of ints, but found element of "
                            f"type {type(v).__name__} at pos {i}")
        out.append(operator.index(v))
    return tuple(out)


def varargs_or_keyword(fname, argname, args, keyword):
    """A method's sizes: x.m(1, 2), x.m((1, 2)) or x.m(argname=(1, 2)), not two of them."""
    if keyword is not None:
        if args:
            raise TypeError(f"{fname}() got multiple values for argument '{argname}'")
        return int_sequence(keyword, fname, argname)
    if not args:
        raise TypeError(f"{fname}() missing 1 required positional arguments: \"{argname}\"")
    return parse_size(args, argname)


# ---- torch.<fn>(input, sequence) ----------------------------------------------------------
def reshape(input, shape):
    return views.reshape(input, int_sequence(shape, "reshape", "shape", 2))


def permute(input, dims):
    return views.permute(input, int_sequence(dims, "permute", "dims", 2))


def flip(input, dims):
    return joining.flip(input, int_sequence(dims, "flip", "dims", 2))


def tile(input, dims):
    return joining.tile(input, int_sequence(dims, "tile", "dims", 2))


# ---- Tensor methods: varargs, one sequence, or the keyword --------------------------------
def reshape_method(self, *args, shape=None):
    return views.reshape(self, varargs_or_keyword("reshape", "shape", args, shape))


def permute_method(self, *args, dims=None):
    return views.permute(self, varargs_or_keyword("permute", "dims", args, dims))


def flip_method(self, *args, dims=None):
    return joining.flip(self, varargs_or_keyword("flip", "dims", args, dims))


def tile_method(self, *args, dims=None):
    return joining.tile(self, varargs_or_keyword("tile", "dims", args, dims))


def expand_method(self, *args, size=None):
    return views.expand(self, varargs_or_keyword("expand", "size", args, size))


for _fn, _name in ((reshape_method, "reshape"), (permute_method, "permute"),
                   (flip_method, "flip"), (tile_method, "tile"), (expand_method, "expand")):
    _fn.__name__ = _fn.__qualname__ = _name  # Python's own TypeErrors name it as torch does
