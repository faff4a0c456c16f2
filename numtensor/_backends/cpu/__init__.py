"""The CPU backend: flat NumPy buffers as storage, Numba kernels for compute.

The interface every backend implements (see numtensor/backends/__init__.py):
  empty, to_host, from_host             storage
  map / zip / where                     element-wise with cast on store (copy = map 'identity')
  reduce / arg_reduce / scan            reductions along dims
  random_*                              counter-based random fills
  gather / scatter / mask_plan / mask_pass   indexing by int64 offset tables and masks
  matmul                                batched matrix products (BLAS; integer kernel)
  linalg                                LAPACK kernels over batches of matrices
Operands arrive as (buffer, offset, strides) triples sharing one broadcast shape;
this module coalesces them (plan.coalesce), then calls the flat kernel when every
operand is contiguous or a broadcast scalar, and the strided kernel otherwise.
"""
import math

import numpy as np

from .. import plan
from . import allocator
from .. import scalar_ops
from ..linalg_plan import matrix_layout

_F16 = np.dtype(np.float16)
GRAIN = 32768  # below this many elements, the serial twin beats waking the threads

_SCALAR_OPS = {1: scalar_ops.UNARY, 2: scalar_ops.BINARY, 3: scalar_ops.TERNARY}
_ew_modules = {}
_red_modules = {}  # op -> generated reduction module (building its source is not free)


def _ew(op, arity):
    mod = _ew_modules.get(op)
    if mod is None:
        from . import elementwise_kernels  # imports numba: only on first use
        mod = elementwise_kernels.module(op, _SCALAR_OPS[arity][op], arity)
        _ew_modules[op] = mod
    return mod


def _threads():
    import numba
    return numba.get_num_threads()


def _i64(seq):
    return np.array(seq, dtype=np.int64)


def _movable(buf):
    """buf reinterpreted for pure data movement: Numba has no float16, and bools
    move as bytes."""
    if buf.dtype == _F16:
        return buf.view(np.uint16)
    if buf.dtype == np.bool_:
        return buf.view(np.uint8)
    return buf


class CpuBackend:
    name = "cpu"

    # ---- storage -------------------------------------------------------------
    # large buffers are reused (see allocator.py)
    empty = staticmethod(allocator.empty)

    @staticmethod
    def from_host(arr):
        return arr

    @staticmethod
    def to_host(buf):
        return buf

    # ---- element-wise --------------------------------------------------------
    def elementwise_flat(self, op, n, inputs, out, p0, p1, scalar_pos=None):
        """out[:n] = op(*inputs) for contiguous (buffer, offset) inputs: the small-op path.

        scalar_pos: the input (0 or 1) that is one element broadcast to all n."""
        mod = _ew_modules.get(op) or _ew(op, len(inputs))
        if n == 0:
            return
        if scalar_pos is not None:
            fn = getattr(mod, f"flat_s{scalar_pos}_par" if n >= GRAIN else f"flat_s{scalar_pos}")
        else:
            fn = mod.flat_par if n >= GRAIN else mod.flat
        if len(inputs) == 2:
            (a, ao), (b, bo) = inputs
            fn(a, ao, b, bo, out, 0, n, p0, p1)
        else:
            (a, ao), = inputs
            fn(a, ao, out, 0, n, p0, p1)

    def elementwise(self, op, shape, inputs, out, p0=0, p1=0):
        """out = op(*inputs) over `shape`; each operand is (buf, offset, strides)."""
        k = len(inputs)
        n = 1
        for s in shape:
            n *= s
        if n == 0:
            return
        if op == "identity" and _F16 in (inputs[0][0].dtype, out[0].dtype):
            self._copy_half(shape, inputs[0], out)
            return
        mod = _ew(op, k)
        cshape, cstrides = plan.coalesce(*plan.memory_order(shape, [st for _, _, st in inputs] + [out[2]]))
        par = n >= GRAIN
        if len(cshape) == 1 and cstrides[-1][0] == 1:
            ins = cstrides[:-1]
            if all(s[0] == 1 for s in ins):
                fn = mod.flat_par if par else mod.flat
                args = [v for (b, o, _) in inputs for v in (b, o)]
                fn(*args, out[0], out[1], n, p0, p1)
                return
            # one broadcast scalar, the other operand must be contiguous (stride 1)
            if k == 2 and sorted(s[0] for s in ins) == [0, 1]:
                pos = 0 if ins[0][0] == 0 else 1
                fn = getattr(mod, f"flat_s{pos}_par" if par else f"flat_s{pos}")
                args = [v for (b, o, _) in inputs for v in (b, o)]
                fn(*args, out[0], out[1], n, p0, p1)
                return
        fn = mod.strided_par if par else mod.strided
        args = []
        for (b, o, _), st in zip(inputs, cstrides[:-1]):
            args += [b, o, _i64(st)]
        fn(_i64(cshape), *args, out[0], out[1], _i64(cstrides[-1]), p0, p1)

    def _copy_half(self, shape, src, out):
        """Numba has no float16: copy through the uint16 bit patterns and float32."""
        from . import half_kernels as hk
        (xb, xo, xs), (yb, yo, ys) = src, out
        shape = tuple(shape) or (1,)
        xs, ys = tuple(xs) or (0,), tuple(ys) or (0,)
        src, out = (xb, xo, xs), (yb, yo, ys)  # a 0-d copy recurses with the 1-d geometry
        if xb.dtype == _F16 and yb.dtype == _F16:
            tmp = np.empty(int(np.prod(shape)), np.float32)
            tst = plan.contiguous_strides(shape)
            self._copy_half(shape, src, (tmp, 0, tst))
            self._copy_half(shape, (tmp, 0, tst), out)
        elif xb.dtype == _F16:
            if yb.dtype != np.float32:
                tmp = np.empty(int(np.prod(shape)), np.float32)
                tst = plan.contiguous_strides(shape)
                self._copy_half(shape, src, (tmp, 0, tst))
                self.elementwise("identity", shape, [(tmp, 0, tst)], out)
                return
            hk.from_half(_i64(shape), xb.view(np.uint16), xo, _i64(xs), yb, yo, _i64(ys))
        else:
            if xb.dtype != np.float32:
                tmp = np.empty(int(np.prod(shape)), np.float32)
                tst = plan.contiguous_strides(shape)
                self.elementwise("identity", shape, [src], (tmp, 0, tst))
                xb, xo, xs = tmp, 0, tst
            hk.to_half(_i64(shape), xb, xo, _i64(xs), yb.view(np.uint16), yo, _i64(ys))

    # ---- reductions ----------------------------------------------------------
    def reduce(self, op, combine, x, kshape, kx, ky, rshape, rx, y, init):
        """Reduce x over the rshape dims into y (one value per kshape index)."""
        from . import reduction_kernels as rk
        mod = _red_modules.get(op) or _red_modules.setdefault(op, rk.reduce_module(op, combine))
        kshape, (kx, ky) = plan.coalesce(kshape, [kx, ky]) if kshape else ((), [(), ()])
        rshape, (rx,) = plan.coalesce(rshape, [rx])
        if kshape == (1,):
            kshape, kx, ky = (), (), ()
        nout = math.prod(kshape)  # math.prod: np.prod costs microseconds on tiny tuples
        nred = math.prod(rshape)
        xb, xo = x
        yb, yo = y
        if nout == 1 and len(rshape) == 1 and nred >= GRAIN:
            mod.all_par(nred, rx[0], xb, xo, yb, yo, init)
            return
        par = nout * nred >= GRAIN
        if kshape and kx[-1] == 1 and nred > 1 and min(rx) > 1:
            # chunks of reduced rows: enough work items for the threads, few partials
            nchunk = min(nred, _threads()) if par and nout < 4 * _threads() else 1
            fn = mod.cols_par if par else mod.cols
            fn(_i64(kshape), _i64(kx), _i64(ky), _i64(rshape), _i64(rx), xb, xo, yb, yo, init,
               nchunk)
            return
        else:
            fn = mod.rows_par if par and nout > 1 else mod.rows
        fn(_i64(kshape), _i64(kx), _i64(ky), _i64(rshape), _i64(rx), xb, xo, yb, yo, init)

    def arg_reduce(self, op, x, kshape, kx, ky, kyi, n, t, values, indices):
        from . import reduction_kernels as rk
        mod = rk.arg_module(op)
        nout = int(np.prod(kshape)) if kshape else 1
        fn = mod.arg_par if nout * n >= GRAIN and nout > 1 else mod.arg
        fn(_i64(kshape), _i64(kx), _i64(ky), _i64(kyi), n, t, x[0], x[1],
           values[0], values[1], indices[0], indices[1])

    def scan(self, op, combine, x, kshape, kx, ky, n, tx, ty, y, init):
        from . import reduction_kernels as rk
        mod = rk.scan_module(op, combine)
        nout = int(np.prod(kshape)) if kshape else 1
        fn = mod.scan_par if nout * n >= GRAIN and nout > 1 else mod.scan
        fn(_i64(kshape), _i64(kx), _i64(ky), n, tx, ty, x[0], x[1], y[0], y[1], init)

    # ---- matrix multiply -------------------------------------------------------
    @staticmethod
    def matmul(a, b, out, m, k, n):
        """out[i] = a[i] @ b[i] for every batch element i (matmul_kernels.py).

        a, b: (buf, offsets, row_stride, col_stride), offsets an int64 array with each
        batch element's first index.  Float/complex operands must be row-major or
        transposed row-major (see matrix_layout); integer ones need unit-stride rows in b.
        out: (buf, offsets) of contiguous (m, n) results.
        """
        from . import matmul_kernels as mk
        (ab, ao, ars, acs), (bb, bo, brs, bcs), (cb, co) = a, b, out
        if m == 0 or n == 0:
            return
        if k == 0:  # an empty sum: BLAS would be handed zero leading dimensions
            for off in co:
                cb[off:off + m * n] = 0
            return
        if cb.dtype.kind in "fc":
            la, lb = matrix_layout(m, k, ars, acs), matrix_layout(k, n, brs, bcs)
            getattr(mk, f"gemm_{la}{lb}")(ab, ao, bb, bo, cb, co, m, k, n)
        else:
            fn = mk.int_gemm_par if len(co) * m * n * k >= GRAIN else mk.int_gemm
            fn(ab, ao, ars, acs, bb, bo, brs, cb, co, m, k, n)

    @staticmethod
    def linalg(kind, *args):
        """A LAPACK kernel of linalg_kernels.py over a batch of contiguous matrices."""
        from . import linalg_kernels
        return getattr(linalg_kernels, kind)(*args)

    # ---- index-dependent fills -------------------------------------------------
    @staticmethod
    def sequence(kind, y, n, *params):
        from . import fill_kernels
        getattr(fill_kernels, kind)(y[0][y[1]:], n, *params)

    # ---- gather / scatter / masks (advanced indexing, joining) -------------------
    # Offsets tables (pre, idx, post) are int64 arrays; see index_kernels.py.
    @staticmethod
    def gather(src, pre, idx, post, qstride, nq, out):
        """out[r*nq + q] = src[off + pre[p] + idx[n] + col(q)] for the rows r = p*N + n."""
        from . import index_kernels as ik
        n = len(pre) * len(idx) * nq
        if n == 0:
            return
        fn = ik.gather_par if n >= GRAIN and len(pre) * len(idx) > 1 else ik.gather
        fn(_movable(src[0]), src[1], pre, idx, post, qstride, nq, _movable(out[0]), out[1])

    @staticmethod
    def scatter(dst, pre, idx, post, qstride, nq, val, vstep, accumulate=False):
        """dst[...] = val (or += with accumulate); val read at off + vstep*(r*nq + q)."""
        from . import index_kernels as ik
        n = len(pre) * len(idx) * nq
        if n == 0:
            return
        par = n >= GRAIN
        if accumulate:
            if dst[0].dtype in (_F16, np.bool_):
                raise NotImplementedError(f"accumulate for {dst[0].dtype} tensors")
            fn = ik.scatter_add_par if par else ik.scatter_add
            dbuf, vbuf = dst[0], val[0]
        else:
            fn = ik.scatter_par if par else ik.scatter
            dbuf, vbuf = _movable(dst[0]), _movable(val[0])
        fn(dbuf, dst[1], pre, idx, post, qstride, nq, vbuf, val[1], vstep)

    @staticmethod
    def mask_plan(mask, n):
        """Count a flat uint8/bool mask by chunks: (chunk, output start per chunk + total, total)."""
        from . import index_kernels as ik
        nchunks = 1 if n < GRAIN else min(1024, max(1, n // 16384))
        chunk = max(1, -(-n // nchunks))
        counts = np.empty(nchunks, np.int64)
        fn = ik.mask_counts_par if nchunks > 1 else ik.mask_counts
        fn(_movable(mask[0]), mask[1], n, chunk, counts)
        starts = np.zeros(nchunks + 1, np.int64)  # chunk c writes rows starts[c]..starts[c+1]
        np.cumsum(counts, out=starts[1:])
        return chunk, starts, int(starts[-1])

    @staticmethod
    def mask_pass(mode, mask, n, plan_, mshape, mstrides, data, post, qstride, nq, out, ostep=1):
        """mode 0 gathers masked rows of data into out, 1 scatters out (the value) into
        data, 2 writes the coordinates of the true elements into out (int64)."""
        from . import index_kernels as ik
        chunk, starts, total = plan_
        if total == 0:
            return
        par = len(starts) > 2
        m, mo = _movable(mask[0]), mask[1]
        if mode == 2:
            fn = ik.mask_coords_par if par else ik.mask_coords
            fn(m, mo, n, chunk, starts, _i64(mshape), out[0], out[1])
            return
        args = (m, mo, n, chunk, starts, _i64(mshape), _i64(mstrides), _movable(data[0]),
                data[1], post, qstride, nq, _movable(out[0]), out[1])
        if mode == 0:
            (ik.mask_gather_par if par else ik.mask_gather)(*args)
        else:
            (ik.mask_scatter_par if par else ik.mask_scatter)(*args, ostep)

    # ---- random --------------------------------------------------------------
    @staticmethod
    def random(kind, y, n, seed, counter, *params):
        from . import random_kernels as rnd
        if kind == "randperm":
            rnd.randperm(y[0], n, seed, counter)
        elif kind == "multinomial":
            rnd.multinomial(y[0], *params, seed, counter)
        else:
            getattr(rnd, kind)(y[0], y[1], n, seed, counter, *params)

    # ---- sorting (added with the names-first work) ---------------------------------
    @staticmethod
    def argsort_rows(x, row_stride, elem_stride, nrows, n, descending, out):
        """Stable argsort of nrows rows of n elements each.

        x: (buffer, offset) of an int64, float32 or float64 flat buffer; row r starts at
        offset + r * row_stride and its elements are elem_stride apart (in elements).
        out: (buffer, offset) of a contiguous int64 buffer of nrows * n positions, row
        after row; position i of row r receives the index (0 .. n-1) of the element
        that sorts to place i.  Equal elements keep their order; NaN sorts after every
        number (last ascending, first with descending=True), as in torch.
        """
        from . import sort_kernels as sk
        if nrows * n == 0:
            return
        fn = sk.argsort_rows_par if nrows > 1 and nrows * n >= GRAIN else sk.argsort_rows
        fn(x[0], x[1], row_stride, elem_stride, nrows, n, bool(descending), out[0], out[1])

    @staticmethod
    def searchsorted_rows(seq, seq_row_stride, m, values, values_row_stride, nv, nrows,
                          right, out):
        """Binary search of nv values per row in nrows sorted rows of m elements.

        seq: (buffer, offset), row r's m sorted elements contiguous from offset +
        r * seq_row_stride (0 for one sequence shared by every row).  values:
        (buffer, offset), row r's nv values contiguous from offset + r *
        values_row_stride.  Both buffers have one dtype (int64, float32 or float64).
        out: (buffer, offset) of a contiguous int64 buffer of nrows * nv results: the
        insertion position of each value (the first one whose element is not less
        than it, or with right=True greater than it); a NaN value goes after every
        element, NaNs included, as in torch.
        Assumes each row is sorted in that order.
        """
        from . import sort_kernels as sk
        if nrows * nv == 0:
            return
        fn = sk.searchsorted_rows_par if nrows > 1 and nrows * nv >= GRAIN else sk.searchsorted_rows
        fn(seq[0], seq[1], seq_row_stride, m, values[0], values[1], values_row_stride, nv, nrows,
           bool(right), out[0], out[1])


cpu_backend = CpuBackend()
