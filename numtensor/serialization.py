"""numtensor.save / numtensor.load: tensors, state_dicts and nested containers on disk.

The numtensor archive format, version 1
---------------------------------------
An uncompressed ZIP archive with these members:

    numtensor/manifest.json   the object tree and the tensor table (UTF-8 JSON, below)
    numtensor/data/<i>        the raw bytes of tensor i: its elements in row-major order,
                              little-endian, exactly numel * itemsize bytes

manifest.json is {"format": "numtensor", "version": 1, "tensors": [...], "object": node}.
Each tensors[i] is {"dtype": "float32", "shape": [2, 3], "requires_grad": false,
"parameter": false, "device": "cpu"}.  A node is JSON null/true/false, an integer or a
string for None/bool/int/str, or a one-key object for everything else:
{"$float": "0.1"} (repr, so nan/inf and every bit survive), {"$complex": ["1.0", "2.0"]},
{"$bytes": base64}, {"$list": [nodes]}, {"$tuple": [nodes]}, {"$dict": [[key, value]...]},
{"$odict": [[key, value]...], "metadata": node} (an OrderedDict; metadata is the
_metadata attribute of a state_dict), {"$size": [ints]}, {"$dtype": "float32"},
{"$device": "cpu"} and {"$tensor": i}.

Version 2 adds one node, written only for an object none of the above can hold (a whole
module, an optimizer, an instance of the user's class: PyTorch's "save the entire model"):
{"$pickle": k}, whose member numtensor/pickles/<k> is the object pickled, each tensor in it
a persistent id ("tensor", i) into the same tensor table.  A file without such a node is
written as version 1.

Loading runs pickle only for a $pickle node and only with weights_only=False, as PyTorch
(whose default is weights_only=True since 2.6) does: a pickle can run code, so load such a
file only from a source you trust.  Otherwise nothing in the archive is executable.
A tensor object saved several times is stored once and loaded as one object; two
different tensors are stored separately even when they share memory, and a view is saved
as just the elements it shows (unlike torch.save, which writes the whole storage).
Parameters come back as Parameters with their requires_grad.

Loading PyTorch checkpoints
---------------------------
numtensor.load also reads files written by torch.save (a ZIP archive holding data.pkl and
the raw storages): tensors, Parameters, OrderedDicts (state_dicts with their _metadata),
dtypes, torch.Size and plain Python containers and numbers.  Its pickle is read by a
restricted unpickler that only knows those few names and refuses anything else, so a
checkpoint cannot run code.  Whole pickled modules or optimizers are refused with
pickle.UnpicklingError; PyTorch's legacy (pre-1.6, non-zip) format is not supported.
"""
import base64
import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._size import Size
from ._tensor import Tensor

FORMAT = "numtensor"
VERSION = 2            # the newest version this module reads (and writes, with a $pickle node)
_PLAIN_VERSION = 1     # what a file without a $pickle node is written as
_PREFIX = "numtensor/"
_MANIFEST = _PREFIX + "manifest.json"


# ---- saving ----------------------------------------------------------------------------
class _Encoder:
    def __init__(self, pickle_module=pickle, pickle_protocol=2):
        self.pickle_module, self.pickle_protocol = pickle_module, max(2, pickle_protocol)
        self.pickles = []      # pickled objects ($pickle nodes)
        self.tensors = []      # (metadata, little-endian bytes)
        self.index_of = {}     # id(tensor) -> index
        self.keep_alive = []   # ids must stay unique while encoding
        self.open = set()      # ids of containers being encoded (cycle detection)

    def encode(self, obj):
        from ._device import device
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return obj
        if isinstance(obj, float):
            return {"$float": repr(obj)}
        if isinstance(obj, complex):
            return {"$complex": [repr(obj.real), repr(obj.imag)]}
        if isinstance(obj, bytes):
            return {"$bytes": base64.b64encode(obj).decode("ascii")}
        if isinstance(obj, Tensor):
            return {"$tensor": self._tensor(obj)}
        if isinstance(obj, _dtype.dtype):
            return {"$dtype": obj.name}
        if isinstance(obj, device):
            return {"$device": str(obj)}
        if isinstance(obj, Size):
            return {"$size": list(obj)}
        if isinstance(obj, (list, tuple, dict)) and not (isinstance(obj, tuple) and
                                                         hasattr(obj, "_fields")):
            return self._container(obj)
        return {"$pickle": self._pickle(obj)}

    def _pickle(self, obj):
        """obj pickled, its tensors stored in the tensor table (persistent ids)."""
        encoder = self

        class Pickler(self.pickle_module.Pickler):
            def persistent_id(self, value):
                if isinstance(value, Tensor):
                    return ("tensor", encoder._tensor(value))
                return None
        buffer = io.BytesIO()
        Pickler(buffer, protocol=self.pickle_protocol).dump(obj)
        self.pickles.append(buffer.getvalue())
        return len(self.pickles) - 1

    def _container(self, obj):
        if id(obj) in self.open:
            raise ValueError("numtensor.save cannot store a container that contains itself")
        self.open.add(id(obj))
        try:
            if isinstance(obj, list):
                return {"$list": [self.encode(x) for x in obj]}
            if isinstance(obj, tuple):
                return {"$tuple": [self.encode(x) for x in obj]}
            items = [[self.encode(k), self.encode(v)] for k, v in obj.items()]
            if isinstance(obj, OrderedDict):
                node = {"$odict": items}
                metadata = getattr(obj, "_metadata", None)
                if metadata is not None:
                    node["metadata"] = self.encode(metadata)
                return node
            return {"$dict": items}
        finally:
            self.open.discard(id(obj))

    def _tensor(self, t):
        if id(t) in self.index_of:
            return self.index_of[id(t)]
        from .nn.parameter import Parameter, is_lazy
        if is_lazy(t):
            raise TypeError("numtensor.save cannot store an uninitialized parameter of a lazy "
                            "module: run a forward pass first")
        values = t.detach().cpu().contiguous().numpy()
        data = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<")).tobytes()
        meta = {"dtype": t.dtype.name, "shape": list(t.shape),
                "requires_grad": bool(t.requires_grad),
                "parameter": isinstance(t, Parameter), "device": str(t.device)}
        index = len(self.tensors)
        self.tensors.append((meta, data))
        self.index_of[id(t)] = index
        self.keep_alive.append(t)
        return index


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Write obj (tensors, state_dicts, nested dicts/lists/tuples of them, numbers,
    strings) to f, a path or a binary file object, in the numtensor archive format.
    Any other object (a whole model) is pickled with pickle_module at pickle_protocol
    (at least 2), its tensors stored beside the pickle; loading it takes weights_only=False."""
    encoder = _Encoder(pickle_module, pickle_protocol)
    obj_node = encoder.encode(obj)
    manifest = {"format": FORMAT, "version": VERSION if encoder.pickles else _PLAIN_VERSION}
    manifest["object"] = obj_node
    manifest["tensors"] = [meta for meta, _ in encoder.tensors]
    if isinstance(f, (str, os.PathLike)):
        parent = os.path.dirname(os.path.abspath(os.fspath(f)))
        if not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(_MANIFEST, json.dumps(manifest))
        for i, (_, data) in enumerate(encoder.tensors):
            archive.writestr(f"{_PREFIX}data/{i}", data)
        for k, data in enumerate(encoder.pickles):
            archive.writestr(f"{_PREFIX}pickles/{k}", data)


# ---- loading ---------------------------------------------------------------------------
def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None):
    """Read an object written by numtensor.save (or a checkpoint written by torch.save).

    map_location: None keeps each tensor's saved device; a device (or its string) puts
    every tensor there; a dict {'cuda:0': 'cpu'} maps saved locations; a callable
    fn(tensor, location) returns the tensor to use.  weights_only=False lets a saved whole
    object (a pickle, see the module docstring) be unpickled with pickle_module; by default
    (as in PyTorch) loading is restricted to data and refuses one.  mmap is accepted for
    PyTorch compatibility."""
    if weights_only not in (None, True, False):
        raise TypeError(f"weights_only must be a bool, got {type(weights_only).__name__}")
    raw = _read_bytes(f)
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else "the file"
    if not raw:
        raise EOFError(f"numtensor.load: {name} is empty")
    if not raw.startswith(b"PK"):
        raise pickle.UnpicklingError(
            f"numtensor.load: {name} is not a numtensor or PyTorch checkpoint (it is not a ZIP "
            "archive; PyTorch's legacy pre-1.6 format is not supported)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = archive.namelist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise RuntimeError(f"numtensor.load: {name} is truncated or corrupt (not a complete ZIP "
                           f"archive: {exc})") from None
    with archive:
        if _MANIFEST in names:
            unpickling = (pickle_module or pickle) if weights_only is False else None
            return _load_numtensor(archive, map_location, name, unpickling)
        pickles = [n for n in names if n.endswith("/data.pkl")]
        if pickles:
            from ._torch_checkpoint import load_torch_checkpoint
            return load_torch_checkpoint(archive, pickles[0][:-len("data.pkl")],
                                         lambda t, loc: _place(t, loc, map_location))
    raise RuntimeError(f"numtensor.load: {name} is a ZIP archive but not a numtensor or PyTorch "
                       "checkpoint (it has neither numtensor/manifest.json nor data.pkl)")


def _read_bytes(f):
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as handle:
            return handle.read()
    if not hasattr(f, "read"):
        raise TypeError(f"numtensor.load expects a path or a binary file object, got "
                        f"{type(f).__name__}")
    data = f.read()
    if isinstance(data, str):
        raise TypeError("numtensor.load needs a file opened in binary mode ('rb')")
    return data


def _read_member(archive, member, name):
    try:
        return archive.read(member)
    except KeyError:
        raise RuntimeError(f"numtensor.load: {name} is corrupt: member {member} is missing") \
            from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise RuntimeError(f"numtensor.load: {name} is truncated or corrupt ({exc})") from None


def _load_numtensor(archive, map_location, name, unpickling):
    try:
        manifest = json.loads(_read_member(archive, _MANIFEST, name).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuntimeError(f"numtensor.load: {name} has a corrupt manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RuntimeError(f"numtensor.load: {name} has a manifest that is not numtensor's")
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise RuntimeError(f"numtensor.load: {name} uses archive format version {version}, but "
                           f"this numtensor reads versions up to {VERSION}: upgrade numtensor")
    tensors = [_load_tensor(archive, i, meta, map_location, name)
               for i, meta in enumerate(manifest["tensors"])]
    return _Decoder(archive, tensors, name, unpickling).decode(manifest["object"])


def _load_tensor(archive, index, meta, map_location, name):
    from . import from_numpy
    from .nn.parameter import Parameter
    try:
        dt = _dtype.as_dtype(meta["dtype"])
        shape = tuple(int(s) for s in meta["shape"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RuntimeError(f"numtensor.load: {name} has a corrupt tensor entry {index} ({exc})") \
            from None
    data = _read_member(archive, f"{_PREFIX}data/{index}", name)
    np_dtype = np.dtype(dt.np).newbyteorder("<")
    count = int(np.prod(shape, dtype=np.int64))
    if len(data) != count * np_dtype.itemsize:
        raise RuntimeError(f"numtensor.load: {name} is corrupt: tensor {index} should hold "
                           f"{count * np_dtype.itemsize} bytes but has {len(data)}")
    values = np.frombuffer(data, dtype=np_dtype).astype(np_dtype.newbyteorder("="))
    t = from_numpy(values.reshape(shape))
    t = _place(t, meta.get("device", "cpu"), map_location)
    if meta.get("parameter"):
        return Parameter(t, requires_grad=bool(meta.get("requires_grad")))
    if meta.get("requires_grad"):
        t.requires_grad_(True)
    return t


def _place(t, location, map_location):
    """Move a loaded tensor to where map_location says (default: where it was saved)."""
    from . import cuda
    if callable(map_location):
        result = map_location(t, location)
        return t if result is None else result
    target = location
    if isinstance(map_location, dict):
        target = map_location.get(location, location)
    elif map_location is not None:
        target = str(map_location)
    if str(target).startswith("cuda") and not cuda.is_available():
        raise RuntimeError("Attempting to deserialize object on a CUDA device but "
                           "torch.cuda.is_available() is False. If you are running on a "
                           "CPU-only machine, please use torch.load with "
                           "map_location=torch.device('cpu') to map your storages to the CPU.")
    return t if str(t.device) == str(target) else t.to(target)


class _Decoder:
    def __init__(self, archive, tensors, name, unpickling):
        self.archive, self.tensors, self.name = archive, tensors, name
        self.unpickling = unpickling  # the pickle module with weights_only=False, else None

    def decode(self, node):
        from ._device import device
        name, decode = self.name, self.decode
        if node is None or isinstance(node, (bool, int, str)):
            return node
        if not isinstance(node, dict) or len(node) not in (1, 2):
            raise RuntimeError(f"numtensor.load: {name} has a corrupt manifest (bad node "
                               f"{node!r:.80})")
        (tag, value), = list(node.items())[:1]
        try:
            if tag == "$float":
                return float(value)
            if tag == "$complex":
                return complex(float(value[0]), float(value[1]))
            if tag == "$bytes":
                return base64.b64decode(value)
            if tag == "$tensor":
                return self.tensors[value]
            if tag == "$dtype":
                return _dtype.as_dtype(value)
            if tag == "$device":
                return device(value)
            if tag == "$size":
                return Size(value)
            if tag == "$list":
                return [decode(x) for x in value]
            if tag == "$tuple":
                return tuple(decode(x) for x in value)
            if tag == "$dict":
                return {decode(k): decode(v) for k, v in value}
            if tag == "$odict":
                result = OrderedDict((decode(k), decode(v)) for k, v in value)
                if "metadata" in node:
                    result._metadata = decode(node["metadata"])
                return result
            if tag == "$pickle":
                return self._unpickle(value)
        except (IndexError, TypeError, ValueError) as exc:
            raise RuntimeError(f"numtensor.load: {name} has a corrupt manifest ({exc})") from None
        raise RuntimeError(f"numtensor.load: {name} has a corrupt manifest (unknown tag {tag})")

    def _unpickle(self, k):
        if self.unpickling is None:
            raise pickle.UnpicklingError(
                f"Weights only load failed. {self.name} holds a pickled object (a whole model "
                "or another object beyond tensors, numbers and containers of them), and "
                "weights_only=True (the default) loads data only. Re-running numtensor.load "
                "with `weights_only` set to `False` will likely succeed, but it can result in "
                "arbitrary code execution. Do it only if you got the file from a trusted source.")
        tensors = self.tensors

        class Unpickler(self.unpickling.Unpickler):
            def persistent_load(self, pid):
                if not (isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "tensor"):
                    raise pickle.UnpicklingError(f"unknown persistent id {pid!r:.80}")
                return tensors[pid[1]]
        data = _read_member(self.archive, f"{_PREFIX}pickles/{int(k)}", self.name)
        return Unpickler(io.BytesIO(data)).load()
