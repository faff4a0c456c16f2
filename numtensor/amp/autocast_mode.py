"""autocast: run the ops that tolerate it in a lower precision (PyTorch's torch.autocast).

Inside `with torch.autocast(device_type, dtype):` the matrix products (matmul, mm, bmm,
addmm, baddbmm, linear, the convolutions, scaled_dot_product_attention) take float32
tensors of that device type as `dtype` (float16), and the losses and prod that need the
range take float16 tensors as float32: PyTorch's CPU lists.  Every other op runs on the
dtypes it is given.  The casts are ordinary differentiable conversions, so gradients
reach float32 leaves in float32.  Backward runs without autocast, as in PyTorch.
"""
import functools
import warnings

from .. import _dtype

# device type -> the dtype its autocast region casts to (absent: no region open)
_ACTIVE = {}


class autocast:
    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type not in ("cpu", "cuda"):
            raise RuntimeError(f"User specified an unsupported autocast device_type "
                               f"'{device_type}'")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else _default_dtype(device_type)
        self._enabled = bool(enabled)
        if self._enabled and device_type == "cuda":
            from .. import cuda
            if not cuda.is_available():
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                              "autocast.", UserWarning, stacklevel=2)
                self._enabled = False
        if self._enabled and self.fast_dtype is not _dtype.float16:
            raise RuntimeError(
                f"In {device_type} autocast, numtensor supports only torch.float16 as the "
                f"autocast dtype (it has no bfloat16); got {self.fast_dtype}. Pass "
                f"dtype=torch.float16.")
        self._saved = []

    def __enter__(self):
        self._saved.append(_ACTIVE.get(self.device))
        if self._enabled:
            _ACTIVE[self.device] = self.fast_dtype
        else:
            _ACTIVE.pop(self.device, None)
        return self

    def __exit__(self, *exc):
        previous = self._saved.pop()
        if previous is None:
            _ACTIVE.pop(self.device, None)
        else:
            _ACTIVE[self.device] = previous
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def run_in_region(*args, **kwargs):
            with autocast(self.device, self.fast_dtype, self._enabled):
                return fn(*args, **kwargs)
        return run_in_region


def _default_dtype(device_type):
    # PyTorch's: float16 on CUDA, bfloat16 on the CPU (which numtensor lacks: None)
    return _dtype.float16 if device_type == "cuda" else getattr(_dtype, "bfloat16", None)


# ---- what the ops ask ---------------------------------------------------------------------
def lower_precision(*tensors):
    """tensors as a lower-precision op takes them: inside an autocast region of their
    device type, float32 ones in the region's dtype."""
    if not _ACTIVE:
        return tensors
    return tuple(_cast(t, _dtype.float32, lambda dev: _ACTIVE.get(dev)) for t in tensors)


def full_precision(*tensors):
    """tensors as a float32-list op takes them: float16 ones as float32, in a region."""
    if not _ACTIVE:
        return tensors
    return tuple(_cast(t, _dtype.float16, lambda dev: _dtype.float32 if dev in _ACTIVE else None)
                 for t in tensors)


def _cast(t, eligible, target_for):
    dt = getattr(t, "dtype", None)
    if dt is not eligible:
        return t
    target = target_for(t.device.type)
    return t if target is None else t.to(target)


def suspended():
    """The open regions, closed for a while (backward runs without autocast); hand the
    result to resume()."""
    saved = dict(_ACTIVE)
    _ACTIVE.clear()
    return saved


def resume(saved):
    _ACTIVE.clear()
    _ACTIVE.update(saved)


def is_autocast_available(device_type):
    """Whether autocast works for device_type (numtensor's: cpu and cuda)."""
    return device_type in ("cpu", "cuda")


def is_autocast_enabled(device_type=None):
    """Whether an autocast region of device_type (CUDA when not given) is open."""
    return (device_type or "cuda") in _ACTIVE


def get_autocast_dtype(device_type):
    """The dtype autocast regions of device_type cast to."""
    return _ACTIVE.get(device_type) or _default_dtype(device_type) or _dtype.float16


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator of a custom Function's forward: with cast_inputs, the forward runs
    outside autocast on floating tensors cast to cast_inputs while a region is open."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        if cast_inputs is None or device_type not in _ACTIVE:
            return fwd(*args, **kwargs)
        args = [a.to(cast_inputs) if getattr(a, "is_floating_point", None) and
                a.is_floating_point() else a for a in args]
        with autocast(device_type, enabled=False):
            return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator of a custom Function's backward (backward already runs without autocast)."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
