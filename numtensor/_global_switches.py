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
