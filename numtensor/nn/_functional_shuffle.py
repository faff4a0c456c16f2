"""pixel_shuffle, pixel_unshuffle and channel_shuffle: rearrangements of elements between
the channel dim and the spatial dims (or among the channels).

Each is a reshape to split a dim, a permute, and one copy into a fresh contiguous
result, so autograd supplies the gradient (the inverse rearrangement); the composition
is one node named as PyTorch's (PixelShuffleBackward0, ...)."""
import operator

from .._tensor import Tensor
from ..autograd.derivatives import composite
from .functional import _shape_list

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle"]


def _tp_name(value):
    """The type's name as PyTorch's argument parser prints it (tp_name): dotted with the
    module for types defined in C outside builtins (numpy.ndarray)."""
    t = type(value)
    heap = t.__flags__ & (1 << 9)  # Py_TPFLAGS_HEAPTYPE: a class defined in Python
    if heap or t.__module__ == "builtins":
        return t.__name__
    return f"{t.__module__}.{t.__name__}"


def _check_args(fname, input, arg, value):
    """PyTorch's parser checks: input a Tensor, the factor an int (not bool, not float);
    returns the factor as an int."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{_tp_name(input)}")
    if not isinstance(value, bool):
        try:
            return operator.index(value)  # ints, NumPy ints, 0-dim integer tensors
        except TypeError:
            pass
    raise TypeError(f"{fname}(): argument '{arg}' (position 2) must be int, not "
                    f"{_tp_name(value)}")


def _fresh(x):
    """x as a new contiguous tensor, never a view of the input: PyTorch's kernels always
    write a new result, also when the permutation happens to keep the layout."""
    return x.clone() if x.is_contiguous() else x.contiguous()


def pixel_shuffle(input, upscale_factor):
    """(*, C * r**2, H, W) -> (*, C, H * r, W * r), r = upscale_factor: each group of r**2
    channels becomes an r x r block of pixels."""
    r = _check_args("pixel_shuffle", input, "upscale_factor", upscale_factor)
    if input.ndim < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           "divisible by the square of upscale_factor, but input.size(-3)="
                           f"{c} is not divisible by {r * r}")
    return _pixel_shuffle(input, r)


@composite("PixelShuffleBackward0")
def _pixel_shuffle(input, r):
    *batch, c, h, w = input.shape
    n = len(batch)
    split = input.reshape(*batch, c // (r * r), r, r, h, w)
    # (.., C, r_h, r_w, H, W) -> (.., C, H, r_h, W, r_w): rows and columns interleave
    moved = split.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return _fresh(moved).view(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H * r, W * r) -> (*, C * r**2, H, W), r = downscale_factor: the inverse of
    pixel_shuffle."""
    r = _check_args("pixel_unshuffle", input, "downscale_factor", downscale_factor)
    if input.ndim < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2], input.shape[-1]
    if h % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, "
                           f"but input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, "
                           f"but input.size(-1)={w} is not divisible by {r}")
    return _pixel_unshuffle(input, r)


@composite("PixelUnshuffleBackward0")
def _pixel_unshuffle(input, r):
    if input.numel() == 0:
        # PyTorch's CPU kernel returns a copy of an empty input with the input's shape
        return input.clone()
    *batch, c, h, w = input.shape
    n = len(batch)
    split = input.reshape(*batch, c, h // r, r, w // r, r)
    # (.., C, H, r_h, W, r_w) -> (.., C, r_h, r_w, H, W)
    moved = split.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return _fresh(moved).view(*batch, c * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    """(N, C, *) with C = g * k: the channels, read as a g x k grid, are transposed to
    k x g, so that each group of k consecutive channels is spread out over the result."""
    g = _check_args("channel_shuffle", input, "groups", groups)
    if input.ndim <= 2:
        raise RuntimeError("channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {_shape_list(input.shape)}")
    if g <= 0:
        raise RuntimeError("Number of groups to divide channels in must be positive. Value of "
                           f"groups:{g}")
    if input.shape[1] % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got "
                           f"{input.shape[1]} channels and {g} groups.")
    return _channel_shuffle(input, g)


@composite("ChannelShuffleBackward0")
def _channel_shuffle(input, g):
    b, c = input.shape[0], input.shape[1]
    rest = 1
    for size in input.shape[2:]:
        rest *= size  # explicit (not -1): an empty input has no size to infer
    grid = input.reshape(b, g, c // g, rest)
    return _fresh(grid.permute(0, 2, 1, 3)).view(input.shape)
