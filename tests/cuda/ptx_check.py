"""Compile every CUDA kernel of numtensor to PTX, for every dtype the backend supports.

No GPU is needed: `numba.cuda.compile_ptx` types and lowers a kernel and runs NVIDIA's
NVVM (from the numba-cuda[cu12] wheels) as the driver's JIT would.  The simulator runs
kernels with Python semantics and misses what the real compiler rejects (a type that
does not unify, a function numba.cuda lacks); this check catches those.

How it covers *every* kernel: it calls the backend's primitives themselves (copy, map,
zip, where, fill, reduce, arg_reduce, scan, matmul, indexing, masks, sorting, fills,
random draws, im2col/col2im, pooling, softmax, nll_loss) for every dtype and op, with stand-in buffers that only carry a dtype
and a length, and a recorder installed in launch.py that notes each launched kernel
with the launch's argument types instead of running it.  Each distinct signature is
then compiled once (for sm_80 and sm_90), the signatures split over worker processes.
So the kernels and argument types checked are exactly those the backend launches.

Element ops are checked for the dtypes the ops layer hands them (UNARY_DTYPES,
BINARY_DTYPES below; a new op without an entry fails the check), every other
primitive for every dtype it accepts.  A kernel's PTX must also be free of float16
conversions that round to integers (numba.cuda's float16 -> int conversion rounds;
PyTorch truncates).

Run it as a script (python tests/cuda/ptx_check.py) or through tests/cuda/test_ptx.py.
It must run without NUMBA_ENABLE_CUDASIM (the simulator has no compiler).
"""
import itertools
import os
import sys
import time
import traceback

import numpy as np

ARCHS = ((8, 0), (9, 0))
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
REAL = [d for d in DTYPES if not d.startswith("complex")]
# dtypes the non-element-wise primitives receive (compute_dtype turns float16 into float32)
COMPUTE = [d for d in DTYPES if d != "float16"]


def nvvm_available():
    """(True, '') when numba-cuda's NVVM can be loaded, else (False, why)."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return False, "NUMBA_ENABLE_CUDASIM=1: the simulator has no compiler"
    try:
        from numba.cuda.cudadrv import nvvm
        nvvm.NVVM()
        return True, ""
    except Exception as e:  # the wheels are missing or unusable
        return False, f"numba-cuda's NVVM is not available ({type(e).__name__}: {e}); " \
                      f"install it with: pip install 'numba-cuda[cu12]'"


class Stand:
    """A device-array stand-in: a dtype and a length, typed as a C-contiguous 1-D array."""

    def __init__(self, n, dtype):
        self.dtype = np.dtype(dtype)
        self.shape = (int(n),)

    def __len__(self):
        return self.shape[0]

    @property
    def _numba_type_(self):
        from numba import types
        from numba.np.numpy_support import from_dtype
        return types.Array(from_dtype(self.dtype), 1, "C")

    def __getitem__(self, key):
        start, stop, step = key.indices(len(self))
        return Stand(max(0, (stop - start + step - 1) // step), self.dtype)

    def view(self, dtype):
        dtype = np.dtype(dtype)
        return Stand(len(self) * self.dtype.itemsize // dtype.itemsize, dtype)

    def copy_to_device(self, other, stream=0):
        pass

    def copy_to_host(self, stream=0):
        return np.ones(self.shape, self.dtype)


class Recorder:
    """Installed in launch.recorder: notes each launched kernel with its argument types.
    The signatures are compiled afterwards, each exactly once (_work)."""

    def __init__(self):
        self.signatures = {}  # (python function, argument types) -> the call that launched it
        self.current = ""

    def array(self, n, dtype):
        return Stand(n, dtype)

    def __call__(self, kernel, args):
        import numba
        types = tuple(a._numba_type_ if isinstance(a, Stand) else numba.typeof(a) for a in args)
        self.signatures.setdefault((kernel.py_func, types), self.current)


def compile_for_archs(pyfunc, types, archs):
    """PTX of kernel pyfunc for each arch; returns the number of PTX texts made.

    Numba's front end (typing, lowering) runs once and NVVM once per arch, through
    the internals compile_ptx uses; if those move, compile_ptx per arch does it all."""
    from numba import cuda
    try:
        from numba.cuda.compiler import _compile_pyfunc_with_fixup
    except ImportError:
        _compile_pyfunc_with_fixup = None
    if _compile_pyfunc_with_fixup is None:
        for cc in archs:
            cuda.compile_ptx(pyfunc, types, cc=cc, device=False)
        return len(archs)
    lib, _ = _compile_pyfunc_with_fixup(pyfunc, types, device=False, cc=archs[0], abi="numba")
    for cc in archs:
        (ptx,) = lib.get_asm_strs(cc=cc)
        target = f".target sm_{cc[0]}{cc[1]}"
        if target not in ptx:
            raise RuntimeError(f"PTX without {target}")
        check_conversions(ptx, pyfunc)
    return len(archs)


def check_conversions(ptx, pyfunc):
    """numba.cuda converts float16 to integers by rounding (cvt.rni); PyTorch truncates.
    The kernels load float16 into float32 first; fail if a rounding conversion from
    float16 to an integer appears anyway."""
    for line in ptx.splitlines():
        if "cvt.rni.s" in line and ".f16" in line or "cvt.rni.u" in line and ".f16" in line:
            raise RuntimeError(f"{pyfunc.__name__}: float16 rounded to an integer: {line.strip()}")


# ---- the calls -------------------------------------------------------------------------------------
def _operand(dtype, n=64):
    return (Stand(n, dtype), 0)


def _plans():
    """A flat and a strided element-wise plan, for one input and for two or three."""
    from numtensor._backends import plan
    flat = {k: plan.elementwise((4, 5), tuple(((5, 1),) * (k + 1))) for k in range(4)}
    strided = {k: plan.elementwise((4, 5), tuple(((1, 4),) * k) + ((5, 1),)) for k in range(4)}
    return flat, strided


def _out_dtype(op, dtype):
    """The output dtype the ops layer gives element op `op` on inputs of dtype."""
    bool_ops = {"eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
                "isnan", "isinf", "isfinite", "logical_not", "nonzero_mask", "nonzero",
                "complex_isinf", "complex_isfinite"}
    if op in bool_ops:
        return "bool"
    if op == "via_int32":  # a float stored into a narrow integer
        return "int16"
    if op in ("real_part", "abs") and dtype.startswith("complex"):
        return "float32" if dtype == "complex64" else "float64"
    return dtype


# The dtypes the ops layer hands each element op (ops/elementwise.py): math functions
# get floating operands (integers are converted first) and complex ones their complex_
# forms; bitwise ops integers and bool; comparisons of order no complex numbers.
FLOATING = ["float16", "float32", "float64"]
COMPLEX = ["complex64", "complex128"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
NUMERIC = INTS + FLOATING
UNARY_DTYPES = {
    **{op: FLOATING for op in ("exp", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
                               "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
                               "tanh", "sigmoid", "sigmoid_grad", "tanh_grad", "erf", "erfc",
                               "lgamma", "asinh", "acosh", "atanh")},
    "reciprocal": FLOATING + COMPLEX,
    **{op: NUMERIC + COMPLEX for op in ("identity", "neg", "abs")},
    **{op: ["bool"] + NUMERIC + COMPLEX for op in ("square", "logical_not", "isnan",
                                                    "nonzero_mask", "nonzero")},
    **{op: ["bool"] + NUMERIC for op in ("sign", "isinf", "isfinite")},
    **{op: NUMERIC for op in ("relu", "clamp", "floor", "ceil", "trunc", "round")},
    "bitwise_not": ["bool"] + INTS,
    "real_part": COMPLEX,
    "conj": COMPLEX,
    "via_int32": FLOATING,
}
BINARY_DTYPES = {
    **{op: ["bool"] + NUMERIC + COMPLEX for op in ("add", "sub", "mul", "eq", "ne", "logical_and",
                                                    "logical_or", "logical_xor")},
    "div": FLOATING + COMPLEX, "pow": NUMERIC + COMPLEX, "add_scaled": NUMERIC + COMPLEX,
    **{op: NUMERIC for op in ("floor_divide", "remainder", "fmod", "threshold_mask")},
    **{op: ["bool"] + NUMERIC for op in ("maximum", "minimum", "fmax", "fmin", "lt", "le", "gt",
                                          "ge")},
    **{op: ["bool"] + INTS for op in ("bitwise_and", "bitwise_or", "bitwise_xor")},
    **{op: INTS for op in ("lshift", "rshift")},
    **{op: FLOATING for op in ("atan2", "relu_grad", "copysign")},
}


def element_dtypes(op, arity):
    """The dtypes element op `op` is checked for."""
    if op.startswith("complex_"):
        return COMPLEX
    table = UNARY_DTYPES if arity == 1 else BINARY_DTYPES
    if op not in table:
        raise KeyError(f"element op {op!r} ({arity} inputs) has no dtype list in "
                       f"tests/cuda/ptx_check.py: add one")
    return table[op]


def elementwise_calls(be):
    from numtensor._backends import scalar_ops
    flat, strided = _plans()
    for src, dst in itertools.product(DTYPES, DTYPES):
        yield f"copy {src}->{dst}", lambda s=src, d=dst: be.copy(
            strided[1], _operand(s), _operand(d))
    for op in scalar_ops.UNARY:
        for dt in element_dtypes(op, 1):
            yield f"map {op} {dt}", lambda op=op, dt=dt: be.map(
                op, strided[1], _operand(dt), _operand(_out_dtype(op, dt)), (1, 2))
    for op in scalar_ops.BINARY:
        for dt in element_dtypes(op, 2):
            # one kernel serves every tensor/scalar pattern: the flags are arguments
            yield f"zip {op} {dt}", lambda op=op, dt=dt: be.zip(
                op, strided[1], _operand(dt), 1, _operand(_out_dtype(op, dt)), (1,))
    for dt in DTYPES:
        yield f"where {dt}", lambda dt=dt: be.where(
            strided[3], _operand("bool"), _operand(dt), _operand(dt), _operand(dt))
        yield f"fill {dt}", lambda dt=dt: be.fill(strided[0], _operand(dt), 1)


def reduction_calls(be):
    from numtensor._backends import plan
    shapes = [((6, 7), (7, 1), (1,)),        # rows, one output per row
              ((6, 7), (7, 1), (0,)),        # cols
              ((300, 7), (7, 1), (0, 1)),    # everything: split into partials
              ((3, 4, 5), (20, 1, 4), (0, 2))]
    for op in ("sum", "prod", "amax", "amin", "all", "any"):
        dts = COMPUTE if op not in ("all", "any") else ["bool", "uint8"]
        if op in ("amax", "amin"):
            dts = [d for d in COMPUTE if not d.startswith("complex")]
        for dt in dts:
            for shape, strides, dims in shapes:
                p = plan.reduce(shape, strides, dims)
                yield f"reduce {op} {dt}", lambda p=p, dt=dt, op=op: be.reduce(
                    op, p, _operand(dt, 10 ** 6), _operand(dt, 10 ** 6))
    for op in ("max", "min"):
        for dt in [d for d in REAL if d != "float16"]:
            for shape, strides, dim in [((5, 100), (100, 1), 1), ((2000, 3), (3, 1), 1)]:
                p = plan.arg_reduce(shape, strides, dim)
                yield f"arg_reduce {op} {dt}", lambda p=p, dt=dt, op=op: be.arg_reduce(
                    op, p, _operand(dt), _operand(dt), _operand("int64"))
    for op in ("sum", "prod"):
        for dt in COMPUTE:
            for shape, dim in [((5, 1000), 1), ((5, 10), 1)]:
                p = plan.scan(shape, (shape[1], 1), (shape[1], 1), dim)
                yield f"scan {op} {dt}", lambda p=p, dt=dt, op=op: be.scan(
                    op, p, _operand(dt), _operand(dt))


def matmul_calls(be):
    from numtensor._backends import plan
    for dt in [d for d in COMPUTE if d != "bool"]:
        p = plan.matmul((2,), 3, 4, 5, 0, (12,), 4, 1, 0, (20,), 5, 1)
        yield f"matmul {dt}", lambda p=p, dt=dt: be.matmul(
            p, Stand(100, dt), Stand(100, dt), Stand(100, dt))
        p0 = plan.matmul((), 3, 0, 5, 0, (), 0, 1, 0, (), 5, 1)
        yield f"matmul k=0 {dt}", lambda p=p0, dt=dt: be.matmul(
            p, Stand(100, dt), Stand(100, dt), Stand(100, dt))


def index_calls(be):
    from numtensor._backends import plan
    ints = ["uint8", "int8", "int16", "int32", "int64"]
    ep = plan.elementwise((3, 4), ((1, 3), (4, 1)))
    for it in ints:
        for acc in (False, True):
            yield f"index_offsets {it}", lambda it=it, acc=acc: be.index_offsets(
                ep, _operand(it), 5, 7, _operand("int64"), acc)
    ordered = plan.index((3,), (20,), 4, (2, 5), (1, 2))   # many columns: ordered schedule
    parallel = plan.index((), (), 100, (), ())            # one column, many indices
    for dt in DTYPES:
        yield f"gather {dt}", lambda dt=dt: be.gather(
            ordered, _operand(dt), _operand("int64"), _operand(dt))
        for p, acc, val in itertools.product((ordered, parallel), (False, True), ("t", "s")):
            value = _operand(dt) if val == "t" else 1
            yield f"scatter {dt} acc={acc} {val}", \
                lambda p=p, acc=acc, value=value, dt=dt: be.scatter(
                    p, _operand(dt), _operand("int64"), value, acc)
        dp = plan.dim_index((3, 4), 1, 6, (6, 1), (4, 1), (4, 1))
        yield f"gather_dim {dt}", lambda dt=dt: be.gather_dim(
            dp, _operand(dt), _operand("int64"), _operand(dt))
        for acc, val in itertools.product((False, True), ("t", "s")):
            value = _operand(dt) if val == "t" else 1
            yield f"scatter_dim {dt} acc={acc} {val}", \
                lambda acc=acc, value=value, dt=dt: be.scatter_dim(
                    dp, _operand(dt), _operand("int64"), value, acc)
    mp = plan.mask((4, 5), (5, 1), (3,), (1,))
    for dt in DTYPES:
        def masked(dt=dt):
            count = be.mask_count(_operand("bool"), 20)
            be.mask_gather(count, _operand("bool"), mp, _operand(dt), _operand(dt))
            be.mask_scatter(count, _operand("bool"), mp, _operand(dt), _operand(dt))
            be.mask_scatter(count, _operand("bool"), mp, _operand(dt), 1)
            be.mask_coordinates(count, _operand("bool"), (4, 5), _operand("int64"))
        yield f"masks {dt}", masked


def other_calls(be):
    for dt in ("int64", "float32", "float64"):
        for desc in (False, True):
            yield f"argsort {dt}", lambda dt=dt, d=desc: be.argsort_rows(
                _operand(dt), 10, 1, 3, 10, d, _operand("int64"))
            yield f"searchsorted {dt}", lambda dt=dt, d=desc: be.searchsorted_rows(
                _operand(dt), 10, 10, _operand(dt), 4, 4, 3, d, _operand("int64"))
    yield "arange float64", lambda: be.arange(_operand("float64"), 10, 0.5, 0.25)
    yield "arange int64", lambda: be.arange(_operand("int64"), 10, 1, 3)
    yield "linspace", lambda: be.linspace(_operand("float64"), 10, 0.0, 1.0, 0.1)
    for dt in ("float32", "float64"):
        yield f"uniform {dt}", lambda dt=dt: be.random_uniform(
            _operand(dt), 10, np.uint64(1), np.int64(0), 0.0, 1.0)
        yield f"normal {dt}", lambda dt=dt: be.random_normal(
            _operand(dt), 10, np.uint64(1), np.int64(0), 0.0, 1.0)
    for dt in [d for d in COMPUTE if not d.startswith("complex")]:
        yield f"integers {dt}", lambda dt=dt: be.random_integers(
            _operand(dt), 10, np.uint64(1), np.int64(0), 0, 5)
        yield f"bernoulli {dt}", lambda dt=dt: be.random_bernoulli(
            _operand(dt), 10, np.uint64(1), np.int64(0), 0.5)
        yield f"bernoulli p {dt}", lambda dt=dt: be.random_bernoulli(
            _operand(dt), 10, np.uint64(1), np.int64(0), _operand("float64"))
    yield "randperm", lambda: be.randperm(_operand("int64"), 10, np.uint64(1), np.int64(0))
    yield "multinomial", lambda: be.multinomial(
        _operand("float64"), 2, 3, _operand("int64"), 2, False, np.uint64(1), np.int64(0))


# the dtypes the nn primitives receive: the ops layer converts float16 to float32 first
# (compute_dtype), and pooling has no bool or complex kernel (the CPU's has none either)
NN_DTYPES = [d for d in COMPUTE if d not in ("bool", "complex64", "complex128")]
FLOAT_COMPUTE = ["float32", "float64"]


def nn_calls(be):
    """im2col/col2im (with and without the bias's rows of ones), max and average pooling
    and their backward (the backward of a max is taken for every dtype the CPU's
    accepts; gradients are floats), softmax, nll_loss and their backward."""
    from numtensor._backends import plan
    conv = plan.conv((2, 4, 6, 5), (120, 30, 5, 1), (3, 2), (1, 2), (1, 0), (1, 1), (4, 2),
                     (26 * 8, 8, 1), 2, True)
    pool = plan.pool((2, 3, 7, 6), (3, 2), (2, 2), (1, 1), (1, 1), True, False, 0,
                     (126, 42, 6, 1), (24, 8, 2, 1))
    soft = plan.softmax((3, 4, 5), 1)
    for dt in NN_DTYPES:
        yield f"im2col {dt}", lambda dt=dt: be.im2col(conv, _operand(dt), _operand(dt))
        yield f"col2im {dt}", lambda dt=dt: be.col2im(conv, _operand(dt), _operand(dt))
        yield f"max_pool {dt}", lambda dt=dt: be.max_pool(pool, _operand(dt), _operand(dt),
                                                          _operand("int64"))
        yield f"max_pool_backward {dt}", lambda dt=dt: be.max_pool_backward(
            pool, _operand(dt), _operand("int64"), _operand(dt))
        yield f"avg_pool {dt}", lambda dt=dt: be.avg_pool(pool, _operand(dt), _operand(dt))
        yield f"avg_pool_backward {dt}", lambda dt=dt: be.avg_pool_backward(
            pool, _operand(dt), _operand(dt))
    for dt in FLOAT_COMPUTE:
        for log in (False, True):  # one kernel: log is an argument
            yield f"softmax {dt}", lambda dt=dt, log=log: be.softmax(
                soft, _operand(dt), _operand(dt), log)
            yield f"softmax_backward {dt}", lambda dt=dt, log=log: be.softmax_backward(
                soft, _operand(dt), _operand(dt), _operand(dt), log)
        for reduction in ("none", "mean"):  # two forward kernels; the backward takes it
            for weight in (None, dt):
                yield f"nll_loss {dt} {reduction}", \
                    lambda dt=dt, r=reduction, w=weight: be.nll_loss(
                        _operand(dt), _operand("int64"), w and _operand(w), 3, 4, -100, r,
                        _operand(dt), _operand(dt))
                yield f"nll_loss_backward {dt} {reduction}", \
                    lambda dt=dt, r=reduction, w=weight: be.nll_loss_backward(
                        _operand(dt), _operand("int64"), w and _operand(w), 3, 4, -100, r,
                        _operand(dt), _operand(dt))


FAMILIES = [elementwise_calls, reduction_calls, matmul_calls, index_calls, other_calls, nn_calls]


def _work(families, archs, worker, nworkers, use_cache):
    """Make every call with launches recorded (cheap), then compile every nworkers-th of
    the distinct signatures, from `worker` on: the calls run in the same order in every
    worker, so the workers split the signatures between them and none is compiled twice.
    Returns (compiles, kernels, skipped as already checked, failures)."""
    from numtensor._backends.cuda import CudaBackend, launch
    rec = Recorder()
    failures = []
    with launch.recording(rec):
        be = CudaBackend()
        for family in families:
            for what, call in family(be):
                rec.current = what
                try:
                    call()
                except Exception:
                    if worker == 0:  # every worker makes every call: report it once
                        failures.append(f"{what}: {traceback.format_exc(limit=3)}")
    cache = Cache() if use_cache else None
    compiles = cached = 0
    for (pyfunc, types), what in list(rec.signatures.items())[worker::nworkers]:
        if cache is not None and cache.hit(pyfunc, types, archs):
            cached += 1
            continue
        try:
            compiles += compile_for_archs(pyfunc, types, archs)
        except Exception as e:
            failures.append(f"{what}: {pyfunc.__module__}.{pyfunc.__name__}{types}: "
                            f"{type(e).__name__}: {str(e).strip().splitlines()[0][:300]}")
            continue
        if cache is not None:
            cache.add(pyfunc, types, archs)
    return compiles, compiles // len(archs), cached, failures


def _work_by_name(names, archs, worker, nworkers, use_cache):
    return _work([globals()[n] for n in names], archs, worker, nworkers, use_cache)


def run(families=FAMILIES, archs=ARCHS, workers=None, use_cache=True):
    """Compile every kernel, in `workers` processes (default: one per CPU, at most 4).

    Returns (PTX compiles, kernel signatures compiled, signatures found already
    checked in the cache, [failures])."""
    workers = workers or min(4, os.cpu_count() or 1)
    if workers == 1:
        return _work(families, archs, 0, 1, use_cache)
    import concurrent.futures
    import multiprocessing
    names = [f.__name__ for f in families]
    ctx = multiprocessing.get_context("spawn")  # no forked Numba/OpenMP state
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        parts = list(pool.map(_work_by_name, [names] * workers, [archs] * workers,
                              range(workers), [workers] * workers, [use_cache] * workers))
    return (sum(p[0] for p in parts), sum(p[1] for p in parts), sum(p[2] for p in parts),
            [f for p in parts for f in p[3]])


# the modules whose code every kernel may inline or read constants from
SHARED_SOURCES = ("device_functions.py", "launch.py", "index_fixed_kernels.py")


class Cache:
    """Signatures that compiled before, with the same kernel sources and compilers,
    are not compiled again (a local rerun takes seconds; CI starts empty).  The key of
    a kernel signature: the text of the kernel's module, the modules every kernel
    shares (SHARED_SOURCES), the compilers' versions, the argument types and archs."""

    def __init__(self):
        import hashlib
        import numba_cuda
        from numba.cuda.cudadrv import nvvm
        from numtensor._backends.cpu.codegen import cache_base
        here = os.path.dirname(os.path.abspath(__import__("numtensor._backends.cuda",
                                                           fromlist=["x"]).__file__))
        h = hashlib.sha1()
        for name in SHARED_SOURCES:
            with open(os.path.join(here, name), "rb") as f:
                h.update(name.encode() + f.read())
        h.update(f"{numba_cuda.__version__} {nvvm.NVVM().get_version()}".encode())
        self.base = h.hexdigest()
        self.dir = os.path.join(cache_base(), "ptx-checked")
        os.makedirs(self.dir, exist_ok=True)

    def _path(self, pyfunc, types, archs):
        import hashlib
        with open(pyfunc.__code__.co_filename, "rb") as f:
            source = f.read()
        key = f"{self.base} {pyfunc.__name__} {types} {archs}".encode() + source
        return os.path.join(self.dir, hashlib.sha1(key).hexdigest())

    def hit(self, pyfunc, types, archs):
        return os.path.exists(self._path(pyfunc, types, archs))

    def add(self, pyfunc, types, archs):
        open(self._path(pyfunc, types, archs), "w").close()


def main():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-cache", action="store_true",
                        help="compile everything, even signatures checked before")
    args = parser.parse_args()
    ok, why = nvvm_available()
    if not ok:
        print(f"skipped: {why}")
        return 0
    t0 = time.time()
    compiles, kernels, cached, failures = run(workers=args.workers, use_cache=not args.no_cache)
    print(f"{compiles} PTX compiles ({kernels} kernel signatures x {len(ARCHS)} archs, "
          f"sm_80 and sm_90; {cached} more checked before with the same sources) in "
          f"{time.time() - t0:.0f} s; {len(failures)} failures")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
