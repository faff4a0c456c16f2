"""Global switches PyTorch code sets that numtensor honours by construction, so each
records its value and reads it back: deterministic algorithms (numtensor's kernels
add in fixed orders whatever the thread count), the float32 matmul precision (float32
products always run in full float32 precision, PyTorch's 'highest') and torch.compile
(Numba compiles numtensor's kernels on first use already)."""
import warnings

_switches = {"deterministic": False, "warn_only": False, "matmul_precision": "highest"}
_MATMUL_PRECISIONS = ("highest", "high", "medium")
_COMPILE_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs",
                  "max-autotune")


def _require_bool(value, name, position):
    if not isinstance(value, bool):
        where = f"(position {position})" if position else ""
        raise TypeError(f"_set_deterministic_algorithms(): argument '{name}' {where}".rstrip()
                        + f" must be bool, not {type(value).__name__}")


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Asks for deterministic algorithms; numtensor's are deterministic already."""
    _require_bool(mode, "mode", 1)
    _require_bool(warn_only, "warn_only", None)
    _switches["deterministic"], _switches["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    """Whether use_deterministic_algorithms(True) is in effect."""
    return _switches["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    """Whether use_deterministic_algorithms(True, warn_only=True) is in effect."""
    return _switches["warn_only"]


def set_float32_matmul_precision(precision):
    """Records 'highest', 'high' or 'medium'; float32 products here always use full
    float32 precision, which every setting permits."""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got "
                           f"{type(precision).__name__}")
    if precision not in _MATMUL_PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      f"setFloat32MatmulPrecision call has no effect.")
        return
    _switches["matmul_precision"] = precision


def get_float32_matmul_precision():
    """The value last given to set_float32_matmul_precision ('highest' by default)."""
    return _switches["matmul_precision"]


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None,  # noqa: A001
            options=None, name=None, disable=False, recompile_limit=None,
            isolate_recompiles=False, shapes_spec=None):
    """Returns model itself (or, without a model, a decorator that does): numtensor's
    kernels are compiled by Numba on first use already.  Unlike PyTorch's wrapper the
    result is the module itself, so its state_dict keys carry no '_orig_mod.' prefix."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is not None and mode not in _COMPILE_MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: "
                           f"{', '.join(_COMPILE_MODES)}")
    if model is None:
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                  mode=mode, options=options, name=name, disable=disable,
                                  recompile_limit=recompile_limit,
                                  isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model


_warn_always = [False]


def set_warn_always(b, /):
    """When True, warnings PyTorch gives once per process (TORCH_WARN_ONCE, such as
    set_default_tensor_type's deprecation) are given on every call."""
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    _warn_always[0] = b


def is_warn_always_enabled():
    """Returns True if the global warn_always flag is on (see set_warn_always)."""
    return _warn_always[0]


_warned_once = set()


def warn_once(message, stacklevel=3):
    """A UserWarning given once per process, or on every call under set_warn_always(True)
    (PyTorch's TORCH_WARN_ONCE).  Whether it was given."""
    if _warn_always[0] or message not in _warned_once:
        _warned_once.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel)
        return True
    return False


_mxcsr_setter = []  # [ctypes function, the LLVM engine that owns its code] once compiled


def _flush_denormal_setter():
    """A compiled function that sets or clears the FTZ and DAZ bits of the calling thread's
    MXCSR register (x86-64 only; None elsewhere, or where llvmlite cannot compile it)."""
    if not _mxcsr_setter:
        import platform
        setter = None
        if platform.machine().lower() in ("x86_64", "amd64"):
            try:
                setter = _compile_mxcsr_setter()
            except Exception:  # noqa: BLE001  (no usable JIT: report no support, as torch does)
                setter = None
        _mxcsr_setter.append(setter)
    return _mxcsr_setter[0]


_MXCSR_IR = r"""
declare void @llvm.x86.sse.stmxcsr(ptr)
declare void @llvm.x86.sse.ldmxcsr(ptr)
define i32 @numtensor_set_flush_denormal(i32 %on) {
  %p = alloca i32, align 4
  call void @llvm.x86.sse.stmxcsr(ptr %p)
  %v = load i32, ptr %p
  %cleared = and i32 %v, -32833
  %is = icmp ne i32 %on, 0
  %set = or i32 %cleared, 32832
  %new = select i1 %is, i32 %set, i32 %cleared
  store i32 %new, ptr %p
  call void @llvm.x86.sse.ldmxcsr(ptr %p)
  ret i32 %new
}
"""  # FTZ is bit 15 (0x8000) and DAZ bit 6 (0x40): 32832 = 0x8040, -32833 = ~0x8040


def _compile_mxcsr_setter():
    import ctypes

    import llvmlite.binding as llvm
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    module = llvm.parse_assembly(_MXCSR_IR)
    module.verify()
    machine = llvm.Target.from_default_triple().create_target_machine()
    engine = llvm.create_mcjit_compiler(module, machine)
    engine.finalize_object()
    address = engine.get_function_address("numtensor_set_flush_denormal")
    fn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_int32)(address)
    fn._engine = engine  # the compiled code lives as long as the engine
    return fn


def set_flush_denormal(mode):
    """Disables denormal floating numbers on CPU: with mode True, denormal results and
    inputs of float arithmetic count as zero (the FTZ and DAZ bits of the x86 MXCSR
    register).  Returns True if the system supports it (x86-64 here, through a
    three-instruction function compiled with llvmlite on first call) and False
    otherwise.  Like PyTorch's, the setting belongs to the calling thread, so it applies
    to everything computed there (numtensor's kernels that run in it, NumPy, Python
    floats) and to threads started afterwards; threads of a parallel kernel pool that
    was already running keep their own setting."""
    if not isinstance(mode, bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {type(mode).__name__}")
    setter = _flush_denormal_setter()
    if setter is None:
        return False
    setter(1 if mode else 0)
    return True


_DEFAULT_TENSOR_TYPE_DEPRECATED = (
    "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
    "torch.set_default_dtype() and torch.set_default_device() as alternatives.")


def set_default_tensor_type(t, /):
    """Sets the default floating-point tensor type (deprecated as in PyTorch, which warns
    once: use set_default_dtype).  t is a legacy type (torch.FloatTensor,
    torch.DoubleTensor) or its name ('torch.FloatTensor'); the default dtype becomes its
    dtype.  numtensor's tensors are CPU tensors only, so CUDA types are refused."""
    from . import _dtype
    from ._legacy_types import TYPES, tensortype
    if isinstance(t, str):
        parts = t.split(".")
        if parts[0] in ("torch", "numtensor") and len(parts) == 3 and parts[1] == "cuda" \
                and parts[2] in TYPES:
            warn_once(_DEFAULT_TENSOR_TYPE_DEPRECATED)
            raise TypeError(f"type torch.cuda.{parts[2]} not available. Torch not compiled "
                            f"with CUDA enabled.")
        if parts[0] in ("torch", "numtensor"):
            import importlib
            obj = importlib.import_module("numtensor")
        else:
            obj = __import__(parts[0])
        for part in parts[1:]:
            obj = getattr(obj, part)
        t = obj
    warn_once(_DEFAULT_TENSOR_TYPE_DEPRECATED)
    if not isinstance(t, tensortype):
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(t.dtype)
