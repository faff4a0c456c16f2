"""default_collate (samples -> batch) and default_convert (NumPy -> tensors), by PyTorch's
rules: collate looks the first sample's type up in collate_fn_map (exact type first, then
isinstance in the map's order), then recurses into mappings, namedtuples and sequences.

Strings and bytes stay as they come: the batch itself, so a field of strings inside a
tuple or list sample becomes a tuple (zip's), a top-level batch of strings the list."""
import collections.abc
import copy
import re

import numpy as np

from ..._tensor import Tensor

# NumPy dtypes (by dtype.str) that hold strings or objects: no tensor holds them
_NP_STR_OBJ = re.compile(r"[SaUO]")

_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
          "found {}")


def collate(batch, *, collate_fn_map=None):
    """Collate batch with the functions of collate_fn_map, recursing into containers."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _collate_mapping(batch, collate_fn_map)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        return _collate_sequence(batch, collate_fn_map)
    raise TypeError(_ERROR.format(elem_type))


def _collate_mapping(batch, collate_fn_map):
    elem = batch[0]

    def fields():
        return {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                for key in elem}
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)  # keeps the mapping's type and extras (a defaultdict)
            clone.update(fields())
            return clone
        return type(elem)(fields())
    except TypeError:
        return fields()


def _collate_sequence(batch, collate_fn_map):
    elem = batch[0]
    size = len(elem)
    if not all(len(e) == size for e in batch):
        raise RuntimeError("each element in list of batch should be of equal size")
    # the fields stay zip's tuples: a field of strings is collated to that tuple
    fields = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
    if isinstance(elem, tuple):
        return fields
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, field in enumerate(fields):
                clone[i] = field
            return clone
        return type(elem)(fields)
    except TypeError:
        return fields


def collate_tensor_fn(batch, *, collate_fn_map=None):
    from ... import stack
    return stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    from ... import as_tensor
    elem = batch[0]
    if _NP_STR_OBJ.search(elem.dtype.str) is not None:
        raise TypeError(_ERROR.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    from ... import as_tensor
    return as_tensor(batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    from ... import float64, tensor
    return tensor(batch, dtype=float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    from ... import tensor
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


# the order matters: np.float64 is a float and np.str_ a str, but the NumPy entries
# come first (np.str_ and np.bytes_ are no np.number, so they reach str / bytes)
default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Stack tensors (and NumPy arrays) along a new dim 0, turn numbers into tensors
    (floats as float64, ints as int64, bools as bool), leave strings as they are, and
    recurse into dicts, namedtuples, tuples and lists (a tuple of fields becomes a list of
    batched fields, as in PyTorch)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """NumPy arrays and scalars become tensors (recursively); everything else is left as
    it is (tuples become lists, as in PyTorch)."""
    from ... import as_tensor
    if isinstance(data, Tensor):
        return data
    if type(data).__module__ == "numpy" and type(data).__name__ not in ("str_", "string_"):
        if isinstance(data, np.ndarray) and _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _convert_mapping(data)
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _convert_sequence(data)
    return data


def _convert_mapping(data):
    try:
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update({key: default_convert(data[key]) for key in data})
            return clone
        return type(data)({key: default_convert(data[key]) for key in data})
    except TypeError:
        return {key: default_convert(data[key]) for key in data}


def _convert_sequence(data):
    try:
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, d in enumerate(data):
                clone[i] = default_convert(d)
            return clone
        return type(data)([default_convert(d) for d in data])
    except TypeError:
        return [default_convert(d) for d in data]
