"""Padding layers: F.pad with a fixed padding and mode (constant/zero, reflect, replicate,
circular) for inputs with 1, 2 or 3 padded dims."""
import collections.abc
import itertools

from .. import functional as F
from .module import Module

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d"]


def _ntuple(n):
    """PyTorch's _ntuple: an iterable becomes a tuple as it is (its length is not checked,
    F.pad judges it later), anything else is repeated n times."""
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(itertools.repeat(x, n))
    return parse


_pair, _quadruple, _sextuple = _ntuple(2), _ntuple(4), _ntuple(6)


# ---- circular ---------------------------------------------------------------------------------
class _CircularPadNd(Module):
    __constants__ = ["padding"]
    _ranks = ()  # the input ranks accepted: unbatched and batched

    def _check_input_dim(self, input):
        # unlike the other modes, the circular modules check the rank themselves
        if input.dim() not in self._ranks:
            lo, hi = self._ranks
            raise ValueError(f"expected {lo}D or {hi}D input (got {input.dim()}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        return F.pad(input, self.padding, "circular")

    def extra_repr(self):
        return f"{self.padding}"


class CircularPad1d(_CircularPadNd):
    """Pads the last dim of (C, W) or (N, C, W) inputs by wrapping around:
    padding is an int or (left, right)."""
    _ranks = (2, 3)

    def __init__(self, padding):
        super().__init__()
        self.padding = _pair(padding)


class CircularPad2d(_CircularPadNd):
    """Pads the last two dims of (C, H, W) or (N, C, H, W) inputs by wrapping around:
    padding is an int or (left, right, top, bottom)."""
    _ranks = (3, 4)

    def __init__(self, padding):
        super().__init__()
        self.padding = _quadruple(padding)


class CircularPad3d(_CircularPadNd):
    """Pads the last three dims of (C, D, H, W) or (N, C, D, H, W) inputs by wrapping
    around: padding is an int or (left, right, top, bottom, front, back)."""
    _ranks = (4, 5)

    def __init__(self, padding):
        super().__init__()
        self.padding = _sextuple(padding)


# ---- constant ---------------------------------------------------------------------------------
class _ConstantPadNd(Module):
    __constants__ = ["padding", "value"]

    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with value: padding is an int or (left, right)."""

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _pair(padding)


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dims with value: padding is an int or
    (left, right, top, bottom)."""

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _quadruple(padding)


class ConstantPad3d(_ConstantPadNd):
    """Pads the last three dims with value: padding is an int or
    (left, right, top, bottom, front, back)."""

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _sextuple(padding)


# ---- reflection and replication ---------------------------------------------------------------
class _ReflectionPadNd(Module):
    __constants__ = ["padding"]

    def forward(self, input):
        return F.pad(input, self.padding, "reflect")

    def extra_repr(self):
        return f"{self.padding}"


class ReflectionPad1d(_ReflectionPadNd):
    """Pads the last dim with its mirror image about the edge elements (which are not
    repeated): padding is an int or (left, right), each less than the dim's size."""

    def __init__(self, padding):
        super().__init__()
        self.padding = _pair(padding)


class ReflectionPad2d(_ReflectionPadNd):
    """Mirror padding of the last two dims: padding is an int or
    (left, right, top, bottom)."""

    def __init__(self, padding):
        super().__init__()
        self.padding = _quadruple(padding)


class ReflectionPad3d(_ReflectionPadNd):
    """Mirror padding of the last three dims: padding is an int or
    (left, right, top, bottom, front, back)."""

    def __init__(self, padding):
        super().__init__()
        self.padding = _sextuple(padding)


class _ReplicationPadNd(Module):
    __constants__ = ["padding"]

    def forward(self, input):
        return F.pad(input, self.padding, "replicate")

    def extra_repr(self):
        return f"{self.padding}"


class ReplicationPad1d(_ReplicationPadNd):
    """Pads the last dim by repeating its edge elements: padding is an int or
    (left, right)."""

    def __init__(self, padding):
        super().__init__()
        self.padding = _pair(padding)


class ReplicationPad2d(_ReplicationPadNd):
    """Edge-repeating padding of the last two dims: padding is an int or
    (left, right, top, bottom)."""

    def __init__(self, padding):
        super().__init__()
        self.padding = _quadruple(padding)


class ReplicationPad3d(_ReplicationPadNd):
    """Edge-repeating padding of the last three dims: padding is an int or
    (left, right, top, bottom, front, back)."""

    def __init__(self, padding):
        super().__init__()
        self.padding = _sextuple(padding)


# ---- zero ---------------------------------------------------------------------------------------
class ZeroPad1d(ConstantPad1d):
    """Pads the last dim with zeros: padding is an int or (left, right)."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pads the last two dims with zeros: padding is an int or (left, right, top, bottom)."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pads the last three dims with zeros: padding is an int or
    (left, right, top, bottom, front, back)."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"
