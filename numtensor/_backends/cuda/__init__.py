"""The CUDA backend: numba.cuda kernels on device buffers, behind base.Backend.

Buffers are 1-D Numba device arrays from a caching allocator (allocator.py).  Plans
arrive canonical, exactly as on the CPU; each method here only picks a kernel family
and hands it the operands:

  storage                   allocator.py, and Numba's copies (host <-> device <-> device)
  copy/map/zip/where/fill   elementwise_kernels.py (rendered from scalar_ops)
  reduce/arg_reduce/scan    reduction_kernels.py (shared-memory trees, per dtype)
  matmul                    matmul_kernels.py (tiled shared-memory GEMM, per dtype)
  indexing                  index_kernels.py, index_fixed_kernels.py
  masks                     mask_kernels.py
  sort/search               sort_kernels.py
  arange/linspace/random    fill_kernels.py, random_kernels.py
  im2col/col2im             conv_kernels.py (the GEMMs are matmul's)
  pooling                   pool_kernels.py
  softmax                   softmax_kernels.py
  nll_loss                  loss_kernels.py
  LAPACK-class linalg       through the host (linalg_host.py)
launch.py holds the launch geometry, the plans' arrays on the device and the scalar
conversions; device_functions.py the inline device functions the kernels share.

Every kernel is launched on the default stream and returns at once; the host waits
only where PyTorch does: to_host (item, tolist, printing, cpu()), a mask's count, an
index check's report (see index_kernels.py), and LAPACK-class linear algebra.

Device policy (compute_dtype): float16 is computed in float32, as on the CPU: the
element-wise kernels load float16 into float32 and round on store, and the other
primitives ask the ops layer for float32 operands.  PyTorch's CUDA kernels use the
same float32 "opmath" for float16, so results agree with it up to summation order.
"""
import numpy as np

from .. import scalar_ops
from ..base import Backend
from . import launch
from .linalg_host import on_host


def cuda_backend():
    """The CUDA backend, or PyTorch's RuntimeError when Numba reaches no CUDA device
    (a GPU with its driver, or the simulator)."""
    if _backend:
        return _backend[0]
    from ...cuda import _require_available
    _require_available()
    from ..cpu.codegen import configure_numba_cache
    configure_numba_cache()  # generated kernel modules cache their PTX there
    _backend.append(CudaBackend())
    return _backend[0]


_backend = []


class CudaBackend(Backend):
    name = "cuda"

    # ---- policy ---------------------------------------------------------------------
    def compute_dtype(self, primitive, dtype):
        from ... import _dtype
        return _dtype.float32 if dtype is _dtype.float16 else dtype

    # ---- storage --------------------------------------------------------------------
    def allocate(self, n, np_dtype):
        from . import allocator
        return allocator.empty(n, np_dtype)

    def from_host(self, array):
        buf = self.allocate(len(array), array.dtype)
        if len(array):
            buf.copy_to_device(np.ascontiguousarray(array))
        return buf

    def to_host(self, buffer, start, count):
        if count == 0:
            return np.empty(0, buffer.dtype)
        return buffer[start:start + count].copy_to_host()

    def write_from_host(self, buffer, start, array):
        if len(array):
            buffer[start:start + len(array)].copy_to_device(np.ascontiguousarray(array))

    def copy_span(self, src, dst, count):
        if count:
            (sb, so), (db, do) = src, dst
            db[do:do + count].copy_to_device(sb[so:so + count])

    # ---- element-wise ---------------------------------------------------------------
    def _run(self, op, plan, inputs, out, params, np_ctype, operand_dtype=None):
        """Launch element op `op` over plan; inputs are operands or Python scalars.
        operand_dtype: the dtype of a scalar input's placeholder array (the dtype
        its tensor would have), by default that of the first tensor input."""
        from . import elementwise_kernels as ek
        n = plan.n
        if n == 0:
            return
        kernel = ek.kernel(op, len(inputs), _ctype_name(np_ctype))
        pattern = tuple(type(x) is tuple for x in inputs)
        if plan.flat is not None:
            nd, meta, codes = 0, launch.dummy_ints(), iter(plan.flat)
        else:
            nd, codes = len(plan.shape), None
            meta = launch.device_ints(plan, pattern, lambda: _strided_meta(plan, pattern))
        if operand_dtype is None and not all(pattern):
            operand_dtype = next(x[0].dtype for x in inputs if type(x) is tuple)
        # a Python number operand of a float16 op becomes a float16 value first (PyTorch's
        # wrapped number; not for mul and div); the op then runs in float32 on float16
        # values, as on the CPU
        half = operand_dtype is not None and np.dtype(operand_dtype) == _F16 and \
            op not in scalar_ops.FLOAT16_NUMBER_UNROUNDED
        args = [n, nd, meta]
        for x in inputs:
            if type(x) is tuple:
                args += [x[0], x[1], next(codes) if codes else 0, np_ctype(0), False]
            else:
                value = np_ctype(np.float16(x)) if half else launch.scalar(x, np_ctype)
                args += [launch.dummy_of(operand_dtype), 0, 0, value, True]
        args += [out[0], out[1]]
        p = [launch.scalar(v, np_ctype) for v in params] + [np_ctype(0), np_ctype(0)]
        args += p[:2]
        launch.run(kernel, launch.blocks_for(n), launch.THREADS, *args)

    def copy(self, plan, src, out):
        sdt, odt = src[0].dtype, out[0].dtype
        if sdt == odt:  # pure data movement: move the elements' bits
            mb = launch.movable(src[0])
            self._run("identity", plan, ((mb, src[1]),), (launch.movable(out[0]), out[1]), (),
                      mb.dtype.type)
            return
        self._run(scalar_ops.conversion(sdt, odt), plan, (src,), out, (),
                  launch.compute_type(sdt))

    def map(self, op, plan, x, out, params=()):
        self._run(op, plan, (x,), out, params, launch.compute_type(x[0].dtype))

    def zip(self, op, plan, a, b, out, params=()):
        t = a if type(a) is tuple else b
        self._run(op, plan, (a, b), out, params, launch.compute_type(t[0].dtype))

    def where(self, plan, cond, a, b, out):
        self._run("where", plan, (cond, a, b), out, (), launch.compute_type(out[0].dtype),
                  out[0].dtype)

    def fill(self, plan, out, value):
        self._run("fill", plan, (), out, (value,), launch.compute_type(out[0].dtype))

    # ---- reductions -----------------------------------------------------------------
    def reduce(self, op, plan, x, out):
        from . import reduction_kernels as rk
        rk.reduce(op, plan, x, out)

    def arg_reduce(self, op, plan, x, values, indices):
        from . import reduction_kernels as rk
        rk.arg_reduce(op, plan, x, values, indices)

    def scan(self, op, plan, x, out):
        from . import reduction_kernels as rk
        rk.scan(op, plan, x, out)

    # ---- matrix products ---------------------------------------------------------------
    def matmul(self, plan, a, b, out, accumulate=False):
        from . import matmul_kernels as mk
        if plan.k == 0 and plan.m * plan.n * plan.batch:  # an empty sum
            if not accumulate:
                from .. import plan as planner
                self.fill(planner.contiguous_elementwise(plan.batch * plan.m * plan.n, 0),
                          (out, 0), 0)
            return
        if accumulate and out.dtype.kind not in "fc":
            raise NotImplementedError("matmul: accumulating integer products")
        mk.matmul(plan, a, b, out, accumulate)

    # ---- indexing ----------------------------------------------------------------------------
    def index_offsets(self, plan, index, size, stride, out, accumulate, wrap=True):
        from . import index_kernels as ik
        return ik.index_offsets(plan, index, size, stride, out, accumulate, wrap)

    def gather(self, plan, src, offsets, out):
        from . import index_kernels as ik
        ik.gather(plan, src, offsets, out)

    def scatter(self, plan, dst, offsets, value, accumulate):
        from . import index_kernels as ik
        ik.scatter(plan, dst, offsets, value, accumulate)

    def gather_dim(self, plan, src, index, out):
        from . import index_kernels as ik
        return ik.gather_dim(plan, src, index, out)

    def scatter_dim(self, plan, dst, index, src, accumulate):
        from . import index_kernels as ik
        return ik.scatter_dim(plan, dst, index, src, accumulate)

    def mask_count(self, mask, n):
        from . import mask_kernels as mk
        return mk.mask_count(mask, n)

    def mask_gather(self, count, mask, plan, src, out):
        from . import mask_kernels as mk
        mk.mask_gather(count, plan, src, out)

    def mask_scatter(self, count, mask, plan, dst, value):
        from . import mask_kernels as mk
        mk.mask_scatter(count, plan, dst, value)

    def mask_coordinates(self, count, mask, shape, out):
        from . import mask_kernels as mk
        mk.mask_coordinates(count, shape, out)

    # ---- sorting and searching ----------------------------------------------------------------
    def argsort_rows(self, x, row_stride, elem_stride, nrows, n, descending, out):
        from . import sort_kernels as sk
        sk.argsort_rows(x, row_stride, elem_stride, nrows, n, descending, out)

    def searchsorted_rows(self, seq, seq_row_stride, m, values, values_row_stride, nv, nrows,
                          right, out):
        from . import sort_kernels as sk
        sk.searchsorted_rows(seq, seq_row_stride, m, values, values_row_stride, nv, nrows,
                             right, out)

    # ---- index-dependent fills and random draws ------------------------------------------------
    def arange(self, out, n, start, step):
        from . import fill_kernels as fk
        fk.arange(out, n, start, step)

    def linspace(self, out, n, start, end, step):
        from . import fill_kernels as fk
        fk.linspace(out, n, start, end, step)

    def random_uniform(self, out, n, seed, counter, low, high):
        from . import random_kernels as rk
        rk.uniform(out, n, seed, counter, low, high)

    def random_normal(self, out, n, seed, counter, mean, std):
        from . import random_kernels as rk
        rk.normal(out, n, seed, counter, mean, std)

    def random_integers(self, out, n, seed, counter, low, span):
        from . import random_kernels as rk
        rk.integers(out, n, seed, counter, low, span)

    def random_bernoulli(self, out, n, seed, counter, p):
        from . import random_kernels as rk
        rk.bernoulli(out, n, seed, counter, p)

    def randperm(self, out, n, seed, counter):
        from . import random_kernels as rk
        rk.randperm(out, n, seed, counter)

    def multinomial(self, probs, nrows, ncat, out, nsamples, replacement, seed, counter):
        from . import random_kernels as rk
        rk.multinomial(probs, nrows, ncat, out, nsamples, replacement, seed, counter)

    # ---- LAPACK-class linear algebra: through the host (linalg_host.py) ----------------------
    def linalg_inv(self, a, nb, n, out):
        return on_host("linalg_inv", (a, nb, n, out), {0: nb * n * n}, {3: nb * n * n})

    def linalg_solve(self, a, b, nb, n, k, out):
        return on_host("linalg_solve", (a, b, nb, n, k, out), {0: nb * n * n, 1: nb * n * k},
                       {5: nb * n * k})

    def linalg_det(self, a, nb, n, out):
        return on_host("linalg_det", (a, nb, n, out), {0: nb * n * n}, {3: nb})

    def linalg_slogdet(self, a, nb, n, sign, logabs):
        return on_host("linalg_slogdet", (a, nb, n, sign, logabs), {0: nb * n * n},
                       {3: nb, 4: nb})

    def linalg_lstsq(self, a, b, nb, m, n, k, out, rank, rcond):
        return on_host("linalg_lstsq", (a, b, nb, m, n, k, out, rank, rcond),
                       {0: nb * m * n, 1: nb * m * k}, {6: nb * n * k, 7: nb})

    def linalg_eig(self, a, nb, n, w, v):
        return on_host("linalg_eig", (a, nb, n, w, v), {0: nb * n * n}, {3: nb * n, 4: nb * n * n})

    def linalg_eigvals(self, a, nb, n, w):
        return on_host("linalg_eigvals", (a, nb, n, w), {0: nb * n * n}, {3: nb * n})

    def linalg_eigh(self, a, nb, n, w, v):
        return on_host("linalg_eigh", (a, nb, n, w, v), {0: nb * n * n}, {3: nb * n, 4: nb * n * n})

    def linalg_cholesky(self, a, nb, n, out):
        return on_host("linalg_cholesky", (a, nb, n, out), {0: nb * n * n}, {3: nb * n * n})

    def linalg_qr(self, a, nb, m, n, q, r, complete):
        k = m if complete else min(m, n)
        return on_host("linalg_qr", (a, nb, m, n, q, r, complete), {0: nb * m * n},
                       {4: nb * m * k, 5: nb * (m if complete else k) * n})

    def linalg_svd(self, a, nb, m, n, u, s, vh, full_matrices):
        k = min(m, n)
        ku, kv = (m, n) if full_matrices else (k, k)
        return on_host("linalg_svd", (a, nb, m, n, u, s, vh, full_matrices), {0: nb * m * n},
                       {4: nb * m * ku, 5: nb * k, 6: nb * kv * n})

    def linalg_lu_factor(self, a, nb, m, n, lu, piv):
        return on_host("linalg_lu_factor", (a, nb, m, n, lu, piv), {0: nb * m * n},
                       {4: nb * m * n, 5: nb * min(m, n)})

    def linalg_solve_triangular(self, a, b, nb, n, k, upper, unitriangular, out):
        return on_host("linalg_solve_triangular", (a, b, nb, n, k, upper, unitriangular, out),
                       {0: nb * n * n, 1: nb * n * k}, {7: nb * n * k})

    def linalg_lu_solve(self, lu, piv, b, nb, n, npiv, k, trans, out):
        return on_host("linalg_lu_solve", (lu, piv, b, nb, n, npiv, k, trans, out),
                       {0: nb * n * n, 1: nb * npiv, 2: nb * n * k}, {8: nb * n * k})

    def linalg_first_zero_pivot(self, a, n):
        return on_host("linalg_first_zero_pivot", (a, n), {0: n * n}, {})

    def linalg_first_bad_minor(self, a, n):
        return on_host("linalg_first_bad_minor", (a, n), {0: n * n}, {})

    # ---- neural-network primitives -------------------------------------------------------------
    # The GEMMs of a convolution are the matmul primitive above (ops/convolution.py).
    def im2col(self, plan, x, out):
        from . import conv_kernels as ck
        ck.im2col(plan, x, out)

    def col2im(self, plan, cols, out):
        from . import conv_kernels as ck
        ck.col2im(plan, cols, out)

    def max_pool(self, plan, x, out, indices):
        from . import pool_kernels as pk
        pk.max_pool(plan, x, out, indices)

    def max_pool_backward(self, plan, grad, indices, out):
        from . import pool_kernels as pk
        pk.max_pool_backward(plan, grad, indices, out)

    def avg_pool(self, plan, x, out):
        from . import pool_kernels as pk
        pk.avg_pool(plan, x, out)

    def avg_pool_backward(self, plan, grad, out):
        from . import pool_kernels as pk
        pk.avg_pool_backward(plan, grad, out)

    def softmax(self, plan, x, out, log):
        from . import softmax_kernels as sk
        sk.softmax(plan, x, out, log)

    def softmax_backward(self, plan, grad, result, out, log):
        from . import softmax_kernels as sk
        sk.softmax_backward(plan, grad, result, out, log)

    def nll_loss(self, x, target, weight, n, c, ignore_index, reduction, out, total_weight):
        from . import loss_kernels as lk
        return lk.nll_loss(x, target, weight, n, c, ignore_index, reduction, out, total_weight)

    def nll_loss_backward(self, grad, target, weight, n, c, ignore_index, reduction,
                          total_weight, out):
        from . import loss_kernels as lk
        lk.nll_loss_backward(grad, target, weight, n, c, ignore_index, reduction, total_weight,
                             out)


_F16 = np.dtype(np.float16)


def _strided_meta(plan, pattern):
    """shape, one strides row per input (zeros for a scalar input), the output's strides."""
    rows = iter(plan.stride_arrays[:-1])
    zeros = np.zeros(len(plan.shape), np.int64)
    return launch.concat_ints(plan.shape_array, *[next(rows) if is_tensor else zeros
                                                  for is_tensor in pattern],
                              plan.stride_arrays[-1])


_CTYPE_NAMES = {np.bool_: "bool_"}


def _ctype_name(np_type):
    """The NumPy name of a compute type as kernel sources spell it (np.<name>)."""
    return _CTYPE_NAMES.get(np_type, np.dtype(np_type).name)
