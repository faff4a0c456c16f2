"""device objects: where a tensor's storage lives ('cpu' or 'cuda[:index]')."""


class device:
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type.__class__.__name__})")
        if ":" in type:
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed explicitly: " + type)
            type, _, idx = type.partition(":")
            try:
                index = int(idx)
            except ValueError:
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'") from None
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {type}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative")
        self.type, self.index = type, index

    def __eq__(self, other):
        # like torch, a device never equals a string: device('cpu') == 'cpu' is False
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")
_default = [CPU]  # where factories put tensors when no device is given


def set_default_device(device):
    """Sets the device factory functions use when no device is given (None: the CPU)."""
    _default[0] = CPU if device is None else as_device(device)


def get_default_device():
    """The device factory functions use when no device is given."""
    return _default[0]


def as_device(d):
    """Normalise a device argument; a bare 'cuda' means the current CUDA device (0);
    None means the default device."""
    if d is None:
        return _default[0]
    if isinstance(d, int):
        d = device("cuda", d)
    d = d if isinstance(d, device) else device(d)
    if d.type == "cuda" and d.index is None:
        return device("cuda", 0)
    if d.type == "cpu" and d.index is not None:
        return CPU
    return d
