"""Canonicalise an element-wise or reduction problem before any kernel runs.

Shared by every backend (it is pure shape/stride arithmetic on the host):
  * the broadcast shape and each operand's strides in it (0 on broadcast dims);
  * the layout of a fresh output, which follows the inputs' memory order as
    PyTorch's TensorIterator does (so x.t() + row is computed in x's order);
  * dims of size 1 dropped and adjacent dims merged where every operand allows,
    so most problems become 1-D or 2-D and the flat fast path applies.
"""
import functools


def contiguous_strides(shape):
    strides = [1] * len(shape)
    acc = 1
    for d in range(len(shape) - 1, -1, -1):
        strides[d] = acc
        acc *= max(shape[d], 1)
    return tuple(strides)


@functools.lru_cache(maxsize=4096)
def broadcast_shapes(*shapes):
    """PyTorch's broadcast rule, with its error text (reported at the rightmost clash)."""
    nd = max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for d in range(nd - 1, -1, -1):
        for s in shapes:
            i = d - (nd - len(s))
            if i < 0:
                continue
            n = s[i]
            if n == out[d] or n == 1:
                continue
            if out[d] == 1:
                out[d] = n
                continue
            raise RuntimeError(
                f"The size of tensor a ({out[d]}) must match the size of tensor b ({n}) "
                f"at non-singleton dimension {d}")
    return tuple(out)


def broadcast_strides(shape, strides, out_shape):
    """The strides of a tensor viewed at out_shape (0 where it is broadcast)."""
    off = len(out_shape) - len(shape)
    res = [0] * len(out_shape)
    for i, (n, s) in enumerate(zip(shape, strides)):
        res[off + i] = 0 if n == 1 else s
    return tuple(res)


def output_order(shape, operand_strides):
    """Dims from outermost to innermost in the operands' memory order.

    Like TensorIterator: dim i goes inside dim j when the first operand whose strides
    tell them apart has a smaller stride for i.  Ties keep the logical order.
    """
    nd = len(shape)
    order = list(range(nd))

    def inner_than(i, j):
        for st in operand_strides:
            a, b = st[i], st[j]
            if shape[i] == 1 or shape[j] == 1 or a == 0 or b == 0 or a == b:
                continue
            return a < b
        return i > j

    # insertion sort keeps it stable and the number of dims is tiny
    for k in range(1, nd):
        cur = order[k]
        m = k - 1
        while m >= 0 and inner_than(order[m], cur):
            order[m + 1] = order[m]
            m -= 1
        order[m + 1] = cur
    return order


def strides_for_order(shape, order):
    """Dense strides for a fresh tensor whose memory walks dims in `order`."""
    strides = [0] * len(shape)
    acc = 1
    for d in reversed(order):
        strides[d] = acc
        acc *= max(shape[d], 1)
    return tuple(strides)


def memory_order(shape, strides_list):
    """Permute dims so the last operand (the output) walks memory outer-to-inner.

    Kernels run their innermost loop over the last dim, so that dim should be the
    output's densest one (x.t() + row then streams through memory).
    """
    out = strides_list[-1]
    order = sorted(range(len(shape)), key=lambda d: -out[d])
    if order == list(range(len(shape))):
        return shape, strides_list
    return permute(shape, order), [permute(st, order) for st in strides_list]


def coalesce(shape, strides_list):
    """Permute-free simplification: drop size-1 dims, merge mergeable neighbours.

    Returns (shape, [strides per operand]); a 0-d problem becomes shape (1,).
    """
    dims = [d for d in range(len(shape)) if shape[d] != 1]
    if not dims:
        return (1,), [(0,) for _ in strides_list]
    new_shape = [shape[dims[0]]]
    new_strides = [[st[dims[0]]] for st in strides_list]
    for d in dims[1:]:
        n = shape[d]
        if all(ns[-1] == st[d] * n for ns, st in zip(new_strides, strides_list)):
            new_shape[-1] *= n
            for ns, st in zip(new_strides, strides_list):
                ns[-1] = st[d]
        else:
            new_shape.append(n)
            for ns, st in zip(new_strides, strides_list):
                ns.append(st[d])
    return tuple(new_shape), [tuple(ns) for ns in new_strides]


def permute(seq, order):
    return tuple(seq[d] for d in order)
