"""Device-independent planning: every problem is canonicalised here, once, for any backend.

The ops layer describes a problem by shapes and element strides; the functions below
turn it into a finished plan that a backend only has to launch:
  * broadcasting: the broadcast shape, and each operand's strides in it (0 where it is
    broadcast);
  * the layout of a fresh output, which follows the inputs' memory order as PyTorch's
    TensorIterator does (so x.t() + row is computed in x's order);
  * canonical form: dims ordered so that the output is walked in memory order, dims of
    size 1 dropped, and neighbouring dims merged wherever every operand allows, so most
    problems become 1-D (the flat kernels) or 2-D;
  * reductions: kept and reduced dims, each ordered largest stride first and merged.
Plans are pure functions of shapes and strides and are cached, so a repeated op (the
same shapes every training step) skips planning entirely.  Each plan also carries the
int64 shape/stride arrays that strided kernels take, built once per plan.
"""
import functools
import math

import numpy as np


# ---- shapes and strides ----------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def dense_strides(shape):
    """Row-major strides of a tuple shape (cached: called on every allocation)."""
    strides = [1] * len(shape)
    acc = 1
    for d in range(len(shape) - 1, -1, -1):
        strides[d] = acc
        acc *= max(shape[d], 1)
    return tuple(strides)


def contiguous_strides(shape):
    """Row-major strides of any sequence shape."""
    return dense_strides(tuple(shape))


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
    """Dims from outermost to innermost in the operands' memory order, as TensorIterator
    orders them: an insertion sort from the innermost dim, where the first operand whose
    strides tell two dims apart decides (equal strides: the smaller dim goes inside), and
    a comparison no operand decides (a broadcast dim, stride 0) neither swaps nor stops
    the search, so a dim can move past it.
    """
    nd = len(shape)
    perm = list(range(nd - 1, -1, -1))  # innermost first

    def should_swap(d0, d1):
        for st in operand_strides:
            a, b = st[d0], st[d1]
            if a == 0 or b == 0:
                continue
            if a < b:
                return -1
            if a > b:
                return 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    for i in range(1, nd):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return perm[::-1]


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
        return tuple(shape), list(strides_list)
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


def _i64(seq):
    return np.array(seq, dtype=np.int64)


# ---- element-wise ----------------------------------------------------------------------
class ElementwisePlan:
    """An element-wise problem in canonical form.

    n:        the number of elements (0: nothing to do)
    shape:    canonical shape, outermost first, at least one dim
    strides:  one strides tuple per TENSOR operand (inputs in order, then the output)
    flat:     when the problem is one run over the output's contiguous memory, a tuple
              with each input's stride in it (1: walks along, 0: one element read at
              every position); None when a strided kernel is needed
    shape_array, stride_arrays: int64 arrays of shape and strides for strided kernels
    """
    __slots__ = ("n", "shape", "strides", "flat", "shape_array", "stride_arrays")

    def __init__(self, n, shape, strides, flat):
        self.n = n
        self.shape = shape
        self.strides = strides
        self.flat = flat
        self.shape_array = _i64(shape)
        self.stride_arrays = tuple(_i64(s) for s in strides)

    def __repr__(self):
        return f"ElementwisePlan(n={self.n}, shape={self.shape}, strides={self.strides}, flat={self.flat})"


@functools.lru_cache(maxsize=8192)
def elementwise(shape, strides):
    """The plan of an element-wise problem over `shape` (already broadcast).

    strides: a tuple with one strides tuple (len(shape) entries, 0 where broadcast) per
    tensor operand, the output's last."""
    n = math.prod(shape)
    if n == 1:  # one element (0-d included): every operand is read at its offset
        return ElementwisePlan(1, (1,), tuple((1,) for _ in strides), tuple(1 for _ in strides[:-1]))
    oshape, ostrides = memory_order(shape, strides)
    return _coalesced_plan(n, *coalesce(oshape, ostrides))


def _coalesced_plan(n, cshape, cstrides):
    """The plan of a coalesced problem; flat when it is one run over the output."""
    flat = None
    if len(cshape) == 1 and cstrides[-1][0] == 1 and all(s[0] in (0, 1) for s in cstrides[:-1]):
        flat = tuple(s[0] for s in cstrides[:-1])
    return ElementwisePlan(n, cshape, tuple(cstrides), flat)


@functools.lru_cache(maxsize=1024)
def elementwise_in_order(shape, strides):
    """As elementwise(), but the dims keep the given order (the last one innermost):
    for a caller that knows a better loop order than the output's memory order (im2col
    over tiny output rows walks the batch innermost).  Dims still merge where they can."""
    n = math.prod(shape)
    if n == 1:
        return elementwise(shape, strides)
    return _coalesced_plan(n, *coalesce(shape, list(strides)))


@functools.lru_cache(maxsize=1024)
def contiguous_elementwise(n, ninputs):
    """The plan of n elements, every operand contiguous (the small-op fast path)."""
    if n == 1:
        return ElementwisePlan(1, (1,), ((1,),) * (ninputs + 1), (1,) * ninputs)
    return ElementwisePlan(n, (n,), ((1,),) * (ninputs + 1), (1,) * ninputs)


# ---- reductions, arg-reductions, scans ---------------------------------------------------
class ReducePlan:
    """Reduce x over some dims into a fresh contiguous output.

    kshape/kx/ky: the kept dims (merged) with their strides in x and in the output;
    rshape/rx: the reduced dims (merged) with their strides in x.  Both groups are
    ordered largest x-stride first, so the innermost loop walks x's smallest stride.
    nout, nred: the number of outputs and of elements reduced into each.
    reduced_inside: every reduced stride is below every kept one (each output reduces
    runs of nearby memory: sum(), sum(dim=-1), mean()).
    """
    __slots__ = ("kshape", "kx", "ky", "rshape", "rx", "nout", "nred", "reduced_inside",
                 "arrays")

    def __init__(self, kshape, kx, ky, rshape, rx):
        self.kshape, self.kx, self.ky, self.rshape, self.rx = kshape, kx, ky, rshape, rx
        self.nout = math.prod(kshape)
        self.nred = math.prod(rshape)
        self.reduced_inside = min(kx, default=math.inf) > max(rx)
        self.arrays = tuple(_i64(v) for v in (kshape, kx, ky, rshape, rx))

    def __repr__(self):
        return (f"ReducePlan(kshape={self.kshape}, kx={self.kx}, ky={self.ky}, "
                f"rshape={self.rshape}, rx={self.rx})")


@functools.lru_cache(maxsize=4096)
def reduce(shape, strides, dims):
    """Plan reducing a tensor (shape, strides) over the sorted tuple `dims` into a
    contiguous tensor of the kept dims (in their logical order)."""
    kept = [d for d in range(len(shape)) if d not in dims]
    ky_of = dict(zip(kept, contiguous_strides([shape[d] for d in kept])))
    kept_order = sorted(kept, key=lambda d: -strides[d])
    red_order = sorted(dims, key=lambda d: -strides[d])
    kshape = tuple(shape[d] for d in kept_order)
    if kshape:
        kshape, (kx, ky) = coalesce(kshape, [tuple(strides[d] for d in kept_order),
                                             tuple(ky_of[d] for d in kept_order)])
        if kshape == (1,):
            kshape, kx, ky = (), (), ()
    else:
        kx = ky = ()
    rshape = tuple(shape[d] for d in red_order) or (1,)
    rx = tuple(strides[d] for d in red_order) or (0,)
    rshape, (rx,) = coalesce(rshape, [rx])
    return ReducePlan(kshape, kx, ky, rshape, rx)


class ArgReducePlan:
    """Max/min along one dim: kept dims (kshape, strides kx in x, ky in both contiguous
    outputs), the reduced dim's length n and its stride t in x."""
    __slots__ = ("kshape", "kx", "ky", "n", "t", "nout", "arrays")

    def __init__(self, kshape, kx, ky, n, t):
        self.kshape, self.kx, self.ky, self.n, self.t = kshape, kx, ky, n, t
        self.nout = math.prod(kshape)
        self.arrays = tuple(_i64(v) for v in (kshape, kx, ky))


@functools.lru_cache(maxsize=4096)
def arg_reduce(shape, strides, dim):
    kept = [k for k in range(len(shape)) if k != dim]
    kshape = tuple(shape[k] for k in kept)
    kx = tuple(strides[k] for k in kept)
    ky = contiguous_strides(kshape)
    if kshape:
        kshape, (kx, ky) = coalesce(kshape, [kx, ky])
    return ArgReducePlan(kshape, kx, ky, shape[dim], strides[dim])


class ScanPlan:
    """A running sum/product along one dim: kept dims (kshape, kx in x, ky in out), the
    scanned length n and its strides tx (x) and ty (out)."""
    __slots__ = ("kshape", "kx", "ky", "n", "tx", "ty", "nout", "arrays")

    def __init__(self, kshape, kx, ky, n, tx, ty):
        self.kshape, self.kx, self.ky, self.n, self.tx, self.ty = kshape, kx, ky, n, tx, ty
        self.nout = math.prod(kshape)
        self.arrays = tuple(_i64(v) for v in (kshape, kx, ky))


@functools.lru_cache(maxsize=1024)
def scan(shape, x_strides, out_strides, dim):
    kept = [k for k in range(len(shape)) if k != dim]
    kshape = tuple(shape[k] for k in kept)
    kx = tuple(x_strides[k] for k in kept)
    ky = tuple(out_strides[k] for k in kept)
    if kshape:
        kshape, (kx, ky) = coalesce(kshape, [kx, ky])
    return ScanPlan(kshape, kx, ky, shape[dim], x_strides[dim], out_strides[dim])


# ---- indexing ---------------------------------------------------------------------------
class IndexPlan:
    """Gather/scatter through a table of offsets: result element (p, j, q) lives at
    pre(p) + offsets[j] + post(q) of the indexed tensor.

    pre_shape/pre_strides: the dims before the indexed ones (merged), npre = their size;
    nidx: the number of offsets; post: nq columns at qstride when the trailing dims
    merge into one (post_shape empty), else walked through post_shape/post_strides.
    """
    __slots__ = ("npre", "nidx", "nq", "qstride", "arrays")

    def __init__(self, pre_shape, pre_strides, nidx, post_shape, post_strides):
        self.npre = math.prod(pre_shape)
        self.nidx = nidx
        self.nq = math.prod(post_shape)
        self.qstride = 0
        if len(post_shape) <= 1:
            self.qstride = post_strides[0] if post_shape else 0
            post_shape = post_strides = ()
        self.arrays = tuple(_i64(v) for v in (pre_shape, pre_strides, post_shape, post_strides))


def _merged(shape, strides):
    if not shape:
        return (), ()
    cshape, (cst,) = coalesce(tuple(shape), [tuple(strides)])
    if cshape == (1,):
        return (), ()
    return cshape, cst


@functools.lru_cache(maxsize=2048)
def index(pre_shape, pre_strides, nidx, post_shape, post_strides):
    return IndexPlan(*_merged(pre_shape, pre_strides), nidx, *_merged(post_shape, post_strides))


class MaskPlan:
    """A boolean mask over the leading dims of a tensor: the mask dims (merged where
    both the contiguous mask and the tensor allow) with the tensor's strides, and the
    trailing columns as in IndexPlan."""
    __slots__ = ("nq", "qstride", "arrays")

    def __init__(self, mshape, mstrides, post_shape, post_strides):
        self.nq = math.prod(post_shape)
        self.qstride = 0
        if len(post_shape) <= 1:
            self.qstride = post_strides[0] if post_shape else 0
            post_shape = post_strides = ()
        self.arrays = tuple(_i64(v) for v in (mshape, mstrides, post_shape, post_strides))


@functools.lru_cache(maxsize=2048)
def mask(mask_shape, strides, post_shape, post_strides):
    if mask_shape:
        mshape, (_, mst) = coalesce(mask_shape, [contiguous_strides(mask_shape), strides])
    else:
        mshape, mst = (1,), (0,)
    return MaskPlan(mshape, mst, *_merged(post_shape, post_strides))


class DimIndexPlan:
    """torch.gather/scatter along `dim`: the index's shape, the indexed tensor's strides
    (self_strides), the index's and the other operand's strides, and the length of the
    indexed dim (size).  Lines along dim are the unit of work (lines = shape without dim)."""
    __slots__ = ("n", "nlines", "dim", "size", "arrays")

    def __init__(self, shape, dim, size, self_strides, index_strides, other_strides):
        self.n = math.prod(shape)
        self.nlines = self.n // shape[dim] if shape[dim] else 0
        self.dim = dim
        self.size = size
        self.arrays = tuple(_i64(v) for v in (shape, self_strides, index_strides, other_strides))


@functools.lru_cache(maxsize=1024)
def dim_index(shape, dim, size, self_strides, index_strides, other_strides):
    if not shape:  # a 0-d problem is a 1-d one of one element
        shape, dim, self_strides, index_strides, other_strides = (1,), 0, (0,), (0,), (0,)
    return DimIndexPlan(shape, dim, size, self_strides, index_strides, other_strides)


# ---- matrix products -------------------------------------------------------------------
def matrix_layout(rows, cols, row_stride, col_stride):
    """'n' for a row-major (rows, cols) matrix, 't' for the transpose of a row-major
    (cols, rows) one (x.t() of a contiguous x), None for anything else.  Strides of
    size-1 dims do not matter."""
    if (col_stride == 1 or cols == 1) and (row_stride == cols or rows == 1):
        return "n"
    if (row_stride == 1 or rows == 1) and (col_stride == rows or cols == 1):
        return "t"
    return None


def batch_offsets(offset, batch_shape, batch_strides):
    """int64 array: the first element of every matrix in a (broadcast) batch, row-major."""
    offs = np.array([offset], dtype=np.int64)
    for size, stride in zip(batch_shape, batch_strides):
        offs = (offs[:, None] + np.arange(size, dtype=np.int64) * stride).ravel()
    return offs


class MatmulPlan:
    """out[i] = a[i] @ b[i] over a broadcast batch: (m, k) @ (k, n) per element.

    a_offsets / b_offsets / out_offsets: int64 arrays with each batch element's first
    element (geometry only: a broadcast batch dim repeats an offset, no copy); the row
    and column strides of a and b; their layouts ('n', 't' or None, see matrix_layout).
    """
    __slots__ = ("m", "k", "n", "batch", "a_offsets", "b_offsets", "out_offsets",
                 "a_rs", "a_cs", "b_rs", "b_cs", "layout_a", "layout_b")


_ZERO = np.zeros(1, dtype=np.int64)


@functools.lru_cache(maxsize=1024)
def matmul(batch_shape, m, k, n, a_offset, a_batch_strides, a_rs, a_cs,
           b_offset, b_batch_strides, b_rs, b_cs):
    p = MatmulPlan()
    p.m, p.k, p.n = m, k, n
    p.batch = math.prod(batch_shape)
    if batch_shape:
        p.a_offsets = batch_offsets(a_offset, batch_shape, a_batch_strides)
        p.b_offsets = batch_offsets(b_offset, batch_shape, b_batch_strides)
        p.out_offsets = batch_offsets(0, (p.batch,), (m * n,))
    else:
        p.a_offsets = np.array([a_offset], dtype=np.int64)
        p.b_offsets = np.array([b_offset], dtype=np.int64)
        p.out_offsets = _ZERO
    p.a_rs, p.a_cs, p.b_rs, p.b_cs = a_rs, a_cs, b_rs, b_cs
    p.layout_a = matrix_layout(m, k, a_rs, a_cs)
    p.layout_b = matrix_layout(k, n, b_rs, b_cs)
    return p


# ---- convolution: im2col / col2im geometry -------------------------------------------
def conv_output_size(size, kernel, stride, padding, dilation):
    """Output length of a convolution or pooling window sweep (floor mode)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def padded_extent(size, pad, out, kernel, stride, dilation):
    """The rows (or columns) of a padded image that a sweep of `out` windows reads: the
    padding before, the image, and whatever the last window reaches beyond it."""
    return max((out - 1) * stride + (kernel - 1) * dilation + 1, pad + size)


class ConvPlan:
    """The column matrix of a 2-D convolution (a 1-D one is H = 1, KH = 1).

    The input x is (N, C, H, W) with element strides x_strides; its C channels form
    `groups` groups of CG = C / groups.  Column (n, k, p) holds
    x[n, c, oh*SH - PH + i*DH, ow*SW - PW + j*DW] (0 outside the image) for the row
    k = (c*KH + i)*KW + j + ONES * (c // CG) and the output position p = oh*OW + ow.
    With ONES = 1 each group's rows end with a row of ones (row (g+1)*(CG*KH*KW + 1) - 1),
    so that a bias, appended to the weights as one more column, is added by the GEMM
    itself.  Element (n, k, p) lives at n*cols_strides[0] + k*cols_strides[1] +
    p*cols_strides[2] of the column buffer, so the op layer chooses the layout that its
    GEMMs want ((N, K, P): one product per sample; (K, N, P): one product for the whole
    batch).  PH/PW are the padding before the image; the padding after it is implied by
    the output size (OH, OW), so asymmetric padding (padding='same' with an even kernel)
    needs no padded copy.

    geometry: int64 [N, C, H, W, KH, KW, OH, OW, SH, SW, PH, PW, DH, DW, CG, ONES];
    x_strides, cols_strides: int64 arrays.  Attributes: n, c, h, w, kh, kw, oh, ow;
    k = the rows (C*KH*KW + ONES*groups), p = OH*OW, ncols = N * k * p.
    """
    __slots__ = ("n", "c", "h", "w", "kh", "kw", "oh", "ow", "k", "p", "ncols", "groups",
                 "ones", "geometry", "x_strides", "cols_strides")

    def __init__(self, shape, x_strides, kernel, stride, padding, dilation, out_hw, cols_strides,
                 groups, ones):
        self.n, self.c, self.h, self.w = shape
        self.kh, self.kw = kernel
        self.oh, self.ow = out_hw
        self.groups, self.ones = groups, int(ones)
        self.k = self.c * self.kh * self.kw + self.ones * groups
        self.p = self.oh * self.ow
        self.ncols = self.n * self.k * self.p
        self.geometry = _i64((*shape, *kernel, self.oh, self.ow, *stride, *padding, *dilation,
                              max(self.c // groups, 1), self.ones))
        self.x_strides = _i64(x_strides)
        self.cols_strides = _i64(cols_strides)

    def __repr__(self):
        return (f"ConvPlan(geometry={self.geometry.tolist()}, x_strides={self.x_strides.tolist()}, "
                f"cols_strides={self.cols_strides.tolist()})")


@functools.lru_cache(maxsize=1024)
def conv(shape, x_strides, kernel, stride, padding, dilation, out_hw, cols_strides, groups=1,
         ones=False):
    """The im2col/col2im plan of an (N, C, H, W) input; every argument a tuple (see
    ConvPlan).  The output size must be positive (the ops layer checks it first)."""
    return ConvPlan(shape, x_strides, kernel, stride, padding, dilation, out_hw, cols_strides,
                    groups, ones)


# ---- pooling: per-output-row and per-output-column window tables ----------------------------
class PoolPlan:
    """Pooling windows over the (H, W) planes of an (N, C, H, W) tensor.

    Output row oh reads input rows first_h[oh] + t*DH for t < count_h[oh] (only rows
    inside the input: padding and ceil-mode overhang are already cut away), output
    column ow likewise (first_w, count_w, DW).  div_h[oh] * div_w[ow] is the divisor
    of an average (the window's size counted with or without padding), unless
    divisor is nonzero (divisor_override).  Max pooling's index of a maximum is its
    flat position ih*W + iw in the plane, as PyTorch returns it.

    x_strides / y_strides: element strides of the input-shaped and output-shaped
    operands, (N, C, H, W) order.  geometry: int64 [N, C, H, W, OH, OW, DH, DW];
    tables: int64 arrays (first_h, count_h, div_h, first_w, count_w, div_w).
    """
    __slots__ = ("n", "c", "h", "w", "oh", "ow", "divisor", "geometry", "tables",
                 "x_strides", "y_strides", "nout")

    def __init__(self, shape, out_hw, rows, cols, dilation, divisor, x_strides, y_strides):
        self.n, self.c, self.h, self.w = shape
        self.oh, self.ow = out_hw
        self.divisor = divisor
        self.nout = self.n * self.c * self.oh * self.ow
        self.geometry = _i64((*shape, *out_hw, *dilation))
        self.tables = tuple(_i64(t) for t in (*rows, *cols))
        self.x_strides = _i64(x_strides)
        self.y_strides = _i64(y_strides)


def pool_output_size(size, kernel, stride, padding, dilation, ceil_mode):
    """PyTorch's pooling output length: with ceil_mode the last window may overhang,
    but it must start inside the input or its left padding."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _window_table(size, out, kernel, stride, padding, dilation, count_include_pad):
    """(first, count, divisor) per output position of a strided window sweep."""
    first, count, div = [], [], []
    for o in range(out):
        start = o * stride - padding
        # taps start + t*dilation inside [0, size)
        t0 = 0 if start >= 0 else (-start + dilation - 1) // dilation
        t1 = min(kernel, (size - 1 - start) // dilation + 1) if size - 1 >= start else 0
        n = max(0, t1 - t0)
        first.append(start + t0 * dilation)
        count.append(n)
        if count_include_pad:  # the window clipped to the padded input (PyTorch's pool_size)
            div.append(min(start + kernel, size + padding) - start)
        else:
            div.append(n)
    return tuple(first), tuple(count), tuple(div)


def _adaptive_table(size, out):
    """(first, count, count) of PyTorch's adaptive windows: [floor(o*size/out),
    ceil((o+1)*size/out))."""
    first, count = [], []
    for o in range(out):
        start = (o * size) // out
        end = -((-(o + 1) * size) // out)
        first.append(start)
        count.append(end - start)
    return tuple(first), tuple(count), tuple(count)


@functools.lru_cache(maxsize=1024)
def pool(shape, kernel, stride, padding, dilation, ceil_mode, count_include_pad, divisor,
         x_strides, y_strides):
    """The plan of a max or average pooling of an (N, C, H, W) tensor (tuples of 2)."""
    out_hw = tuple(pool_output_size(shape[2 + d], kernel[d], stride[d], padding[d], dilation[d],
                                    ceil_mode) for d in range(2))
    rows = _window_table(shape[2], out_hw[0], kernel[0], stride[0], padding[0], dilation[0],
                         count_include_pad)
    cols = _window_table(shape[3], out_hw[1], kernel[1], stride[1], padding[1], dilation[1],
                         count_include_pad)
    return PoolPlan(shape, out_hw, rows, cols, dilation, divisor, x_strides, y_strides)


@functools.lru_cache(maxsize=1024)
def adaptive_pool(shape, out_hw, x_strides, y_strides):
    """The plan of an adaptive pooling of an (N, C, H, W) tensor to out_hw."""
    rows = _adaptive_table(shape[2], out_hw[0])
    cols = _adaptive_table(shape[3], out_hw[1])
    return PoolPlan(shape, out_hw, rows, cols, (1, 1), 0, x_strides, y_strides)


# ---- softmax along one dim ------------------------------------------------------------
class SoftmaxPlan:
    """A contiguous tensor seen as (outer, n, inner): softmax runs along n, for each of
    the outer * inner lines (inner == 1: the lines are contiguous rows)."""
    __slots__ = ("outer", "n", "inner", "numel")

    def __init__(self, outer, n, inner):
        self.outer, self.n, self.inner = outer, n, inner
        self.numel = outer * n * inner

    def __repr__(self):
        return f"SoftmaxPlan(outer={self.outer}, n={self.n}, inner={self.inner})"


@functools.lru_cache(maxsize=1024)
def softmax(shape, dim):
    """The plan of a softmax along `dim` of a contiguous tensor of `shape`."""
    outer = math.prod(shape[:dim])
    inner = math.prod(shape[dim + 1:])
    return SoftmaxPlan(outer, shape[dim] if shape else 1, inner)
