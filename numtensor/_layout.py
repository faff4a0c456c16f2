"""torch.layout and torch.memory_format: the objects factory functions accept.

numtensor stores every tensor as a strided view (torch.strided); the memory formats
name dense stride orders: row-major (contiguous_format), channels innermost
(channels_last for 4-d, channels_last_3d for 5-d), or the input's own order
(preserve_format, for *_like and clone).
"""


class layout:
    """A tensor's storage layout. numtensor has one: torch.strided."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"torch.{self._name}"

    def __reduce__(self):
        return self._name


class memory_format:
    """The order of a dense tensor's strides."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"torch.{self._name}"

    def __reduce__(self):
        return self._name


strided = layout("strided")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


def check_layout(value):
    """layout= of a factory: None or torch.strided."""
    if value is None or value is strided:
        return
    if isinstance(value, layout):
        raise RuntimeError(f"numtensor supports only the torch.strided layout, not {value!r}")
    raise TypeError(f"layout must be torch.layout, not {type(value).__name__}")


def check_pin_memory(value):
    """pin_memory=True needs an accelerator's pinned allocator, which numtensor lacks."""
    if value:
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no "
                           "pinned memory allocator is available on this system.")


def dense_strides(shape, fmt):
    """Strides of a fresh dense tensor of `shape` in memory format `fmt`
    (None: row-major); preserve_format is for *_like and clone, not a fresh shape."""
    from ._backends.plan import contiguous_strides
    if fmt is None or fmt is contiguous_format:
        return contiguous_strides(shape)
    if not isinstance(fmt, memory_format):
        raise TypeError(f"memory_format must be torch.memory_format, not {type(fmt).__name__}")
    if fmt is preserve_format:
        raise RuntimeError("unsupported memory format Preserve")
    rank = 4 if fmt is channels_last else 5
    if len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt._name} format")
    # channels innermost: dims ordered (N, spatial..., C) from outermost to innermost
    order = [0] + list(range(2, rank)) + [1]
    strides = [0] * rank
    step = 1
    for d in reversed(order):
        strides[d] = step
        step *= max(shape[d], 1)
    return tuple(strides)
