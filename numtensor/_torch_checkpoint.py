"""Reading checkpoints written by PyTorch's torch.save (its ZIP format).

Such an archive holds <prefix>data.pkl, a pickle whose tensors point at raw storages in
<prefix>data/<key>.  The pickle is read by an unpickler that resolves only the handful of
names a state_dict uses (tensor and parameter rebuilders, storage types, dtypes, Size,
OrderedDict) to numtensor's own functions; any other name raises UnpicklingError, so no
code from the file can run.
"""
import pickle
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._size import Size

# torch's storage class names -> numtensor dtype names
_STORAGE_DTYPES = {
    "FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
    "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16",
    "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
    "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128",
}
_DTYPE_NAMES = {"float32", "float", "float64", "double", "float16", "half", "int64", "long",
                "int32", "int", "int16", "short", "int8", "uint8", "bool", "complex64",
                "cfloat", "complex128", "cdouble"}


class _StorageType:
    def __init__(self, dtype_name):
        self.dtype = _dtype.as_dtype(dtype_name)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return storage.as_strided(tuple(size), tuple(stride), storage_offset)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor pickled with its Python type (Tensor or Parameter here)."""
    result = func(*args)
    if new_type is _Parameter:
        return _rebuild_parameter(result, result.requires_grad, None)
    if new_type is _TensorType:
        return result
    raise pickle.UnpicklingError("numtensor.load can only rebuild Tensor and Parameter types")


class _Parameter:
    """Marker for torch.nn.parameter.Parameter as a type reference."""


class _TensorType:
    """Marker for torch.Tensor as a type reference."""


def _device(spec, index=None):
    from ._device import device
    return device(spec) if index is None else device(spec, index)


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, archive, prefix, place):
        super().__init__(file)
        self.archive = archive
        self.prefix = prefix
        self.place = place
        self.storages = {}

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils":
            allowed = {"_rebuild_tensor": _rebuild_tensor,
                       "_rebuild_tensor_v2": _rebuild_tensor_v2,
                       "_rebuild_parameter": _rebuild_parameter,
                       "_rebuild_parameter_with_state": _rebuild_parameter}
            if name in allowed:
                return allowed[name]
        if module == "torch._tensor" and name == "_rebuild_from_type_v2":
            return _rebuild_from_type_v2
        if module == "torch.nn.parameter" and name == "Parameter":
            return _Parameter
        if module == "torch":
            if name in _STORAGE_DTYPES:
                return _StorageType(_STORAGE_DTYPES[name])
            if name in _DTYPE_NAMES:
                return _dtype.as_dtype(_canonical_dtype(name))
            if name == "Size":
                return Size
            if name == "device":
                return _device
            if name == "Tensor":
                return _TensorType
        if module == "builtins" and name in ("complex", "set", "frozenset", "slice"):
            return {"complex": complex, "set": set, "frozenset": frozenset, "slice": slice}[name]
        raise pickle.UnpicklingError(
            f"numtensor.load refuses {module}.{name} in a PyTorch checkpoint: only tensors, "
            "parameters, state_dicts and plain containers can be loaded (save a model's "
            "state_dict() rather than the model)")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r:.80}")
        _, storage_type, key, location, numel = pid
        if key not in self.storages:
            if not isinstance(storage_type, _StorageType):
                raise pickle.UnpicklingError(f"unsupported storage type {storage_type!r:.80}")
            self.storages[key] = self.place(self._read_storage(storage_type.dtype, key, numel),
                                            location)
        return self.storages[key]

    def _read_storage(self, dt, key, numel):
        from . import from_numpy
        member = f"{self.prefix}data/{key}"
        try:
            raw = self.archive.read(member)
        except KeyError:
            raise RuntimeError(f"numtensor.load: the checkpoint is corrupt: {member} is missing") \
                from None
        order = "<" if self.byteorder == "little" else ">"
        np_dtype = np.dtype(dt.np).newbyteorder(order)
        if len(raw) < numel * np_dtype.itemsize:
            raise RuntimeError(f"numtensor.load: the checkpoint is corrupt: storage {key} is "
                               "shorter than its tensors need")
        values = np.frombuffer(raw, dtype=np_dtype, count=numel).astype(np_dtype.newbyteorder("="))
        return from_numpy(values)

    byteorder = "little"


def _canonical_dtype(name):
    aliases = {"float": "float32", "double": "float64", "half": "float16", "long": "int64",
               "int": "int32", "short": "int16", "cfloat": "complex64",
               "cdouble": "complex128"}
    return aliases.get(name, name)


def load_torch_checkpoint(archive, prefix, place):
    """The object in a torch.save archive whose members start with prefix."""
    import io
    unpickler = _RestrictedUnpickler(io.BytesIO(archive.read(prefix + "data.pkl")), archive,
                                     prefix, place)
    if prefix + "byteorder" in archive.namelist():
        unpickler.byteorder = archive.read(prefix + "byteorder").decode("ascii").strip()
    try:
        return unpickler.load()
    except (EOFError, ValueError, KeyError, IndexError) as exc:
        raise pickle.UnpicklingError(f"numtensor.load: the PyTorch checkpoint is corrupt ({exc})") \
            from None
