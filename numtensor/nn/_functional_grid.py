"""affine_grid and grid_sample (spatial transformers), composed of tensor ops.

affine_grid: the base grid of normalised output positions (x along W, y along H, z
along D, then a column of ones) times each theta^T, one bmm, as PyTorch's
affine_grid_generator computes it; recorded as one node AffineGridGeneratorBackward0.

grid_sample: each grid coordinate is unnormalised to a pixel position of its input dim
(x -> W, y -> H, z -> D), padded (border: clipped; reflection: folded into range, then
clipped) with PyTorch's formulas, then
  * bilinear (trilinear on 5-D input): the 2 (2**3) neighbours' values are gathered
    from the flattened spatial dims and summed with the interpolation weights, a
    neighbour outside the input reading 0 (zeros padding);
  * nearest: the neighbour at the rounded position (round half to even, as PyTorch).
The value gather's backward scatters the gradient to the input, and the weights are
differentiable functions of the grid (floor and round have zero gradient), so autograd
gives PyTorch's gradients w.r.t. input and grid.  Clipping is written with where(),
so that the gradient is 0 at the borders themselves, as in PyTorch's kernels.  The whole
is recorded as one node GridSampler2DBackward0 (GridSampler3DBackward0), with edges
(input, grid).  float16 is computed in float32 and rounded once.  bicubic is
not implemented.
"""
import math
import warnings

from .. import _dtype
from .._tensor import Tensor
from ..autograd.derivatives import composite
from ..ops._common import scalar_type_name
from .._type_names import python_type_name

__all__ = ["affine_grid", "grid_sample"]

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                  "old behavior is desired. See the documentation of grid_sample for details.")


def _sizes(shape):
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


# ---- affine_grid ---------------------------------------------------------------------------
def affine_grid(theta, size, align_corners=None):
    """The sampling grid (N, H, W, 2) (or (N, D, H, W, 3)) of the affine maps theta
    (N, 2, 3) (or (N, 3, 4)) for an output of size (N, C, H, W) (or (N, C, D, H, W))."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {theta.shape}.")
        spatial_size = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {theta.shape}.")
        spatial_size = size[-3:]
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}.")
    if align_corners and min(spatial_size) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    return _affine_grid_generator(theta, tuple(int(s) for s in size), bool(align_corners))


def _linspace_from_neg_one(num_steps, align_corners, dtype, device):
    from .. import linspace, tensor
    if num_steps <= 1:
        return tensor(0, dtype=dtype, device=device)
    steps = linspace(-1, 1, num_steps, dtype=dtype, device=device)
    if not align_corners:
        steps = steps * (num_steps - 1) / num_steps
    return steps


@composite("AffineGridGeneratorBackward0", inputs=("theta",))
def _affine_grid_generator(theta, size, align_corners):
    """PyTorch's affine_grid_generator: base grid (N, *spatial, dims + 1) @ theta^T."""
    from .. import ones, stack
    n, spatial = size[0], size[2:]
    dims = len(spatial)
    dt, dev = theta.dtype, theta.device
    columns = []
    for k in range(dims):  # x varies along the last spatial dim, y the one before, ...
        axis = dims - 1 - k
        steps = _linspace_from_neg_one(spatial[axis], align_corners, dt, dev)
        view = [1] * dims
        if steps.dim():
            view[axis] = spatial[axis]
        columns.append(steps.reshape(view).expand(spatial))
    columns.append(ones(spatial, dtype=dt, device=dev))
    base = stack(columns, -1).reshape(1, math.prod(spatial), dims + 1).expand(
        n, math.prod(spatial), dims + 1)
    grid = base.bmm(theta.transpose(1, 2))
    return grid.reshape((n,) + tuple(spatial) + (dims,))


# ---- grid_sample ---------------------------------------------------------------------------
def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Samples input (N, C, H, W) (or (N, C, D, H, W)) at the normalised positions of
    grid (N, Ho, Wo, 2) (or (N, Do, Ho, Wo, 3)) in [-1, 1]: (N, C, Ho, Wo)."""
    if mode != "bilinear" and mode != "nearest" and mode != "bicubic":
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode != "zeros" and padding_mode != "border" and padding_mode != "reflection":
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    for name, value in (("input", input), ("grid", grid)):
        if not isinstance(value, Tensor):
            raise TypeError(f"grid_sampler(): argument '{name}' (position "
                            f"{1 if name == 'input' else 2}) must be Tensor, not "
                            f"{python_type_name(value)}")
    _check_grid_sampler(input, grid, mode)
    if input.dim() == 4:
        return _grid_sampler_2d(input, grid, mode, padding_mode, bool(align_corners))
    return _grid_sampler_3d(input, grid, mode, padding_mode, bool(align_corners))


def _check_grid_sampler(input, grid, mode):
    """PyTorch's checks, in its order: the common ones, the 2-D/3-D ones, the kernel's."""
    if input.device != grid.device:
        raise RuntimeError(f"grid_sampler(): expected input and grid to be on same device, but "
                           f"input is on {input.device} and grid is on {grid.device}")
    shapes = f"input with sizes {_sizes(input.shape)} and grid with sizes {_sizes(grid.shape)}"
    if input.dim() < 1 or grid.dim() < 1 or input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got {shapes}")
    if grid.shape[-1] != input.dim() - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.dim() - 2} in "
                           f"last dimension, but got grid with sizes {_sizes(grid.shape)}")
    for i in range(2, input.dim()):
        if input.shape[i] <= 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {_sizes(input.shape)} with "
                               f"dimension {i} being empty")
    volumetric = input.dim() != 4
    if input.dim() != grid.dim() or input.dim() != (5 if volumetric else 4):
        raise RuntimeError(f"grid_sampler(): expected {5 if volumetric else 4}D input and grid "
                           f"with same number of dimensions, but got {shapes}")
    if volumetric and mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    kernel = "grid_sampler3d_cpu" if volumetric else "grid_sampler_2d_cpu_kernel_impl"
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    if grid.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                           f"{scalar_type_name(grid.dtype)}")
    if mode == "bicubic":
        raise NotImplementedError("grid_sample(): mode='bicubic' is not implemented in "
                                  "numtensor (use 'bilinear' or 'nearest')")


@composite("GridSampler2DBackward0", inputs=("input", "grid"))
def _grid_sampler_2d(input, grid, mode, padding_mode, align_corners):
    return _grid_sample(input, grid, mode, padding_mode, align_corners)


@composite("GridSampler3DBackward0", inputs=("input", "grid"))
def _grid_sampler_3d(input, grid, mode, padding_mode, align_corners):
    return _grid_sample(input, grid, mode, padding_mode, align_corners)


def _grid_sample(input, grid, mode, padding_mode, align_corners):
    dt = input.dtype
    if dt is _dtype.float16:  # in float32, rounded once
        return _grid_sample(input.float(), grid.float(), mode, padding_mode,
                            align_corners).to(dt)
    from .. import where
    n, c = input.shape[0], input.shape[1]
    in_sizes = tuple(input.shape[2:])
    out_sizes = tuple(grid.shape[1:-1])
    dims = len(in_sizes)
    m = math.prod(out_sizes)
    grid = grid.reshape(n, m, dims)
    # per input dim d (H, W or D, H, W): its source positions, from grid column dims-1-d
    coords = [_source_index(grid.select(-1, dims - 1 - d), in_sizes[d], padding_mode,
                            align_corners, dims) for d in range(dims)]
    strides = [math.prod(in_sizes[d + 1:]) for d in range(dims)]
    flat = input.reshape(n, c, math.prod(in_sizes))

    def read(corner):
        """The values at integer positions `corner` (float, one per dim), 0 outside."""
        inside, index = None, None
        for pos, size, stride in zip(corner, in_sizes, strides):
            ok = (pos > -1) & (pos < size)
            inside = ok if inside is None else inside & ok
        for pos, stride in zip(corner, strides):
            term = where(inside, pos, 0).long() * stride
            index = term if index is None else index + term
        values = flat.gather(2, index.reshape(n, 1, m).expand(n, c, m))
        return where(inside.reshape(n, 1, m), values, 0), inside

    if mode == "nearest":
        nearest = [x.detach().round() for x in coords]
        out, inside = read(nearest)
        if grid._requires_grad:
            # PyTorch's grid gradient in nearest mode is zero: a zero-valued term of the
            # grid (its gradient through round is 0) so that the grid gets one
            total = None
            for x in coords:
                total = x.round() if total is None else total + x.round()
            out = out + (where(inside, total, 0) * 0).reshape(n, 1, m)
    else:
        lows = [x.detach().floor() for x in coords]
        # distance to the low neighbour, per dim; the high neighbour's weight is its share
        fracs = [x - lo for x, lo in zip(coords, lows)]
        shares = [(1 - f, f) for f in fracs]
        out = None
        for bits in _corners(dims):  # PyTorch's order: nw, ne, sw, se (tnw, tne, ...)
            corner = [lo + 1 if b else lo for lo, b in zip(lows, bits)]
            values, _ = read(corner)
            weight = None
            for d, b in enumerate(bits):
                w = shares[d][b]
                weight = w if weight is None else weight * w
            term = values * weight.reshape(n, 1, m)
            out = term if out is None else out + term
    return out.reshape((n, c) + out_sizes)


def _corners(dims):
    if dims == 0:
        return [()]
    return [(b,) + rest for b in (0, 1) for rest in _corners(dims - 1)]


def _source_index(coord, size, padding_mode, align_corners, dims):
    """PyTorch's grid_sampler_compute_source_index: unnormalise, then pad."""
    if dims == 2:  # the vectorised 2-D kernel's formulas
        if align_corners:
            x = (coord + 1) * ((size - 1) / 2)
        else:
            x = (coord + 1) * (size / 2) - 0.5
    elif align_corners:  # the 3-D kernel's
        x = ((coord + 1) / 2) * (size - 1)
    else:
        x = ((coord + 1) * size - 1) / 2
    if padding_mode == "border":
        return _clip(x, size)
    if padding_mode == "reflection":
        if align_corners:
            x = _reflect(x, 0.0, 2 * (size - 1))
        else:
            x = _reflect(x, -0.5, 2 * size)
        return _clip(x, size)
    return x


def _clip(x, size):
    """x clamped to [0, size - 1], with gradient 1 strictly inside only (PyTorch's kernels
    count the borders as outside)."""
    from .. import where
    inside = (x > 0) & (x < size - 1)
    return where(inside, x, x.detach().clamp(0, size - 1))


def _reflect(x, low, twice_span):
    """x folded into [low, low + twice_span / 2] by reflections at both ends."""
    from .. import where
    if twice_span == 0:
        return x * 0
    a = (x - low).abs()
    extra = a - (a.detach() / twice_span).trunc() * twice_span
    reflected = twice_span - extra
    return where(extra > reflected, reflected, extra) + low
