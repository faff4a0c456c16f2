"""interpolate / upsample: 'nearest', 'nearest-exact' and 'area' on 3-D, 4-D and 5-D
input, 'linear' on 3-D, 'bilinear' and 'bicubic' on 4-D, 'trilinear' on 5-D, as gathers
along each spatial dim.

Resampling separates by dim: nearest picks one source index per output position
(nearest-exact the one under the output pixel's centre),
(bi)linear blends the two neighbouring source positions and bicubic the four around it,
with weights that depend on the output position only.  So each dim is an index_select
(whose backward scatters the gradient back) and, for the blending modes, a weighted sum
of two or four of them.  The index and weight tables are computed by tensor ops on the
input's device, in float32 as PyTorch's kernels compute them, and the whole resampling
is one node named as PyTorch's (UpsampleNearest2DBackward0, UpsampleBicubic2DBackward0,
...).  'area' is adaptive average pooling to the output size, as in PyTorch."""
import math
import warnings

from ..autograd.derivatives import composite

_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "lanczos", "area",
          "nearest-exact")
_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3}


def _nearest_indices(in_size, out_size, scale, device):
    """floor(out_index * scale) clamped to the last input index; scale is 1/scale_factor
    when one was given, else in_size / out_size (in float32, as PyTorch)."""
    from .. import arange, float32
    step = (1.0 / scale) if scale is not None else in_size / out_size
    positions = arange(out_size, dtype=float32, device=device) * _rounded(step, float32)
    return positions.floor().long().clamp(max=in_size - 1)


def _nearest_exact_indices(in_size, out_size, scale, device):
    """floor((out_index + 0.5) * scale) clamped to the last input index (PyTorch's
    nearest_neighbor_exact_compute_source_index, in float32)."""
    from .. import arange, float32
    step = (1.0 / scale) if scale is not None else in_size / out_size
    positions = (arange(out_size, dtype=float32, device=device) + 0.5) * _rounded(step, float32)
    return positions.floor().long().clamp(max=in_size - 1)


def _rounded(value, dtype):
    """A Python number rounded to float32 when the positions are float32."""
    import numpy as np  # a scalar only: no tensor storage is touched
    return float(np.float32(value)) if dtype.itemsize == 4 else float(value)


def _source_positions(in_size, out_size, scale, align_corners, dtype, device):
    """The (fractional) input position each output position samples, in `dtype`: corners
    map to corners when align_corners, else pixel centres to pixel centres, stretched by
    1/scale_factor when one was given (PyTorch's area_pixel_compute_source_index)."""
    from .. import arange
    positions = arange(out_size, dtype=dtype, device=device)
    if align_corners:
        step = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        return positions * _rounded(step, dtype)
    step = (1.0 / scale) if scale is not None else in_size / out_size
    return (positions + 0.5) * _rounded(step, dtype) - 0.5


def _linear_taps(in_size, out_size, scale, align_corners, dtype, device):
    """(lower index, upper index, weight of the upper one) for each output position,
    computed in float32, or float64 for float64 input (PyTorch's accumulate type)."""
    # linear modes clamp positions left of the first pixel centre to it
    source = _source_positions(in_size, out_size, scale, align_corners, dtype,
                               device).clamp(min=0.0)
    lower = source.floor().long().clamp(max=in_size - 1)
    upper = (lower + 1).clamp(max=in_size - 1)
    weight = source - lower.to(dtype)
    return lower, upper, weight


_A = -0.75  # PyTorch's cubic convolution constant (as in OpenCV)


def _cubic_near(x):
    """Cubic convolution weight of a tap at distance x <= 1."""
    return ((_A + 2) * x - (_A + 3)) * x * x + 1


def _cubic_far(x):
    """Cubic convolution weight of a tap at distance 1 < x < 2."""
    return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A


def _cubic_taps(in_size, out_size, scale, align_corners, dtype, device):
    """Four (index, weight) pairs per output position, as upsample_bicubic2d computes
    them: the taps at floor(source) - 1 ... floor(source) + 2, clamped into the input
    (the border pixel repeats), weighted by the distance t to floor(source)."""
    # unlike the linear modes, the source position is not clamped at 0
    source = _source_positions(in_size, out_size, scale, align_corners, dtype, device)
    base = source.floor().long().clamp(max=in_size - 1)
    t = (source - base.to(dtype)).clamp(0.0, 1.0)
    weights = (_cubic_far(t + 1.0), _cubic_near(t), _cubic_near(1.0 - t),
               _cubic_far((1.0 - t) + 1.0))
    indices = [(base + (j - 1)).clamp(0, in_size - 1) for j in range(4)]
    return indices, weights


def _resample_nearest(input, sizes, scales, exact=False):
    indices = _nearest_exact_indices if exact else _nearest_indices
    for k, (out_size, scale) in enumerate(zip(sizes, scales)):
        dim = 2 + k
        index = indices(input.shape[dim], out_size, scale, input.device)
        input = input.index_select(dim, index)
    return input


def _resample_linear(input, sizes, scales, align_corners):
    from .. import float32
    for k, (out_size, scale) in enumerate(zip(sizes, scales)):
        dim = 2 + k
        dtype = input.dtype if input.dtype.itemsize == 8 else float32
        lower, upper, weight = _linear_taps(input.shape[dim], out_size, scale, align_corners,
                                            dtype, input.device)
        shape = [1] * input.ndim
        shape[dim] = out_size
        weight = weight.to(input.dtype).reshape(shape)
        low, high = input.index_select(dim, lower), input.index_select(dim, upper)
        input = low + (high - low) * weight
    return input


def _resample_cubic(input, sizes, scales, align_corners):
    from .. import float32
    dtype = input.dtype if input.dtype.itemsize == 8 else float32
    # last dim first: PyTorch's kernel blends along W inside the blend along H, so the
    # float32 intermediates are the same sums (equal to within a few ulps)
    for k in reversed(range(len(sizes))):
        dim, out_size = 2 + k, sizes[k]
        indices, weights = _cubic_taps(input.shape[dim], out_size, scales[k], align_corners,
                                       dtype, input.device)
        shape = [1] * input.ndim
        shape[dim] = out_size
        blended = None
        for index, weight in zip(indices, weights):
            term = input.index_select(dim, index) * weight.to(input.dtype).reshape(shape)
            blended = term if blended is None else blended + term
        input = blended
    return input


def _area(input, sizes):
    """'area' is PyTorch's adaptive_avg_pool1d/2d/3d to the output size."""
    from ..ops.pooling import adaptive_avg_pool1d, adaptive_avg_pool2d
    from ._functional_3d import adaptive_avg_pool3d
    if input.ndim == 3:
        return adaptive_avg_pool1d(input, sizes[0])
    if input.ndim == 4:
        return adaptive_avg_pool2d(input, sizes)
    return adaptive_avg_pool3d(input, sizes)


_CUBIC = composite("UpsampleBicubic2DBackward0")(_resample_cubic)
_NEAREST = {n: composite(f"UpsampleNearest{n}DBackward0")(_resample_nearest) for n in (1, 2, 3)}
_NEAREST_EXACT = {n: composite(f"UpsampleNearestExact{n}DBackward0")(_resample_nearest)
                  for n in (1, 2, 3)}
_LINEAR = {1: composite("UpsampleLinear1DBackward0")(_resample_linear),
           2: composite("UpsampleBilinear2DBackward0")(_resample_linear),
           3: composite("UpsampleTrilinear3DBackward0")(_resample_linear)}


def _per_dim(value, spatial, what, input_sizes):
    if isinstance(value, (list, tuple)):
        if len(value) != spatial:
            raise ValueError(
                f"Input and {what.replace(' size', '')} must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(input_sizes)} and {what} of "
                f"{'shape ' if what == 'scale_factor' else ''}{tuple(value)}. Please provide "
                f"input tensor in (N, C, d1, d2, ...,dK) format and {what} in "
                f"({'s1, s2, ...,sK' if what == 'scale_factor' else 'o1, o2, ...,oK'}) format.")
        return list(value)
    return [value] * spatial


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims (all dims after N and C) to `size`, or by `scale_factor`."""
    spatial = input.ndim - 2
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    in_sizes = list(input.shape[2:])
    if size is not None:
        sizes = [int(s) for s in _per_dim(size, spatial, "output size", in_sizes)]
        scales = [None] * spatial
    else:
        factors = [float(f) for f in _per_dim(scale_factor, spatial, "scale_factor", in_sizes)]
        sizes = [int(math.floor(n * f)) for n, f in zip(in_sizes, factors)]
        # recompute_scale_factor=True resamples by the rounded output size instead
        scales = [None] * spatial if recompute_scale_factor else factors
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                         "modes and requires a 4-D tensor as input")
    if mode not in _MODES or spatial not in (1, 2, 3) or (mode == "bicubic" and spatial != 2):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    if mode in _LINEAR_DIMS and _LINEAR_DIMS[mode] != spatial:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{_LINEAR_DIMS[mode] + 2}D input")
    if antialias:
        raise NotImplementedError(f"numtensor: interpolate does not support antialias=True "
                                  f"(mode={mode!r}); use antialias=False")
    if mode == "area":  # the pooling functions check sizes and dtype with their own messages
        return _area(input, sizes)
    if mode == "nearest":
        kernel = _NEAREST[spatial]
    elif mode == "nearest-exact":
        kernel = _NEAREST_EXACT[spatial]
    elif mode in ("linear", "bilinear", "trilinear"):
        kernel = _LINEAR[spatial]
    elif mode == "bicubic":
        kernel = _CUBIC
    else:
        raise NotImplementedError(f"numtensor: interpolate does not support mode={mode!r}")
    _check_sizes(input, in_sizes, sizes)
    nearest = mode in ("nearest", "nearest-exact")
    if not input.dtype.is_floating_point and not (nearest and input.dtype.name == "uint8"):
        # PyTorch's message names the kernel that refuses the dtype
        type_name = input.dtype._tensor_type[:-len('Tensor')]
        if spatial == 2 and mode != "bicubic":
            kernel_name = f"upsample_{'nearest' if nearest else mode}2d_channels_last"
        else:
            kernel_name = "compute_indices_weights_" + (
                "nearest" if nearest else "cubic" if mode == "bicubic" else "linear")
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{type_name}\'')
    if mode == "nearest":
        return kernel(input, sizes, scales)
    if mode == "nearest-exact":
        return kernel(input, sizes, scales, True)
    return kernel(input, sizes, scales, bool(align_corners))


def _check_sizes(input, in_sizes, sizes):
    if all(n > 0 for n in in_sizes) and all(n > 0 for n in sizes):
        return
    names = {1: ("W",), 2: ("H", "W"), 3: ("D", "H", "W")}[len(sizes)]
    given = ", ".join(f"{n}: {s}" for n, s in zip(names, in_sizes))
    wanted = ", ".join(f"{n}: {s}" for n, s in zip(names, sizes))
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                       f"({given}) output ({wanted})")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]
