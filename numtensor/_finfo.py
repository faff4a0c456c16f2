"""torch.finfo / torch.iinfo: the numeric limits of a dtype (read from NumPy)."""
import numpy as np

from . import _dtype


def _g(v):
    return format(v, ".6g")


class finfo:
    """Limits of a floating dtype (a complex dtype reports its real part's)."""

    def __init__(self, type=None):
        dt = _dtype.get_default_dtype() if type is None else type
        if not (dt.is_floating_point or dt.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo "
                            "to handle 'torch.finfo'")
        info = np.finfo(dt.to_real().np)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)
        self.dtype = dt.to_real().name

    def __repr__(self):
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, max={_g(self.max)}, "
                f"eps={_g(self.eps)}, smallest_normal={_g(self.smallest_normal)}, "
                f"tiny={_g(self.tiny)}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer (or bool) dtype."""

    def __init__(self, type):
        if type.is_floating_point or type.is_complex:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        info = np.iinfo(type.np) if type is not _dtype.bool_ else None
        self.bits = type.itemsize * 8
        self.max = int(info.max) if info else 1
        self.min = int(info.min) if info else 0
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={_g(float(self.min))}, max={_g(float(self.max))}, dtype={self.dtype})"
