"""numtensor.save / load: round trips, the archive format, corrupt files, map_location, and
checkpoints written by real torch.save."""
import io
import json
import math
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, copy_weights, torch


def _round_trip(obj, tmp_path=None):
    if tmp_path is None:
        buf = io.BytesIO()
        nt.save(obj, buf)
        buf.seek(0)
        return nt.load(buf)
    path = tmp_path / "obj.nt"
    nt.save(obj, path)
    return nt.load(str(path))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16",
                                   "int8", "uint8", "bool", "complex64", "complex128"])
def test_tensor_round_trip_every_dtype(dtype, tmp_path):
    values = np.arange(-3, 9).reshape(3, 4) % 5
    t = nt.tensor(values).to(getattr(nt, dtype))
    back = _round_trip(t, tmp_path)
    assert back.dtype is t.dtype and tuple(back.shape) == (3, 4)
    assert nt.equal(back, t) and back.data_ptr() != t.data_ptr()


def test_views_scalars_and_empty_tensors():
    base = nt.arange(24.0).reshape(4, 6)
    view = base[1:3, ::2].t()
    back = _round_trip({"view": view, "scalar": nt.tensor(2.5), "empty": nt.zeros(0, 3)})
    assert nt.equal(back["view"], view) and back["view"].is_contiguous()
    assert back["scalar"].shape == () and back["scalar"].item() == 2.5
    assert tuple(back["empty"].shape) == (0, 3)
    buf = io.BytesIO()
    nt.save(view, buf)
    # only the viewed elements are written: 6 floats, not the 24 of the base
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as archive:
        assert len(archive.read("numtensor/data/0")) == 6 * 4


def test_nested_containers_and_python_values():
    obj = {"list": [1, 2.5, float("nan"), float("-inf"), "text", None, True, False, 2 ** 70],
           "tuple": (1, (2, 3)), 3: "int key", (1, "a"): "tuple key", "bytes": b"\x00\x01",
           "complex": 1 + 2j, "dtype": nt.float16, "device": nt.device("cpu"),
           "size": nt.Size([2, 3]), "ordered": OrderedDict([("b", 1), ("a", 2)])}
    back = _round_trip(obj)
    assert back["list"][:2] == [1, 2.5] and math.isnan(back["list"][2])
    assert back["list"][3:] == [float("-inf"), "text", None, True, False, 2 ** 70]
    assert type(back["list"][6]) is bool and type(back["list"][0]) is int
    assert back["tuple"] == (1, (2, 3)) and back[3] == "int key" and back[(1, "a")] == "tuple key"
    assert back["bytes"] == b"\x00\x01" and back["complex"] == 1 + 2j
    assert back["dtype"] is nt.float16 and back["device"] == nt.device("cpu")
    assert isinstance(back["size"], nt.Size) and back["size"] == (2, 3)
    assert isinstance(back["ordered"], OrderedDict) and list(back["ordered"]) == ["b", "a"]
    assert 0.1 + 0.2 == _round_trip(0.1 + 0.2)  # floats are exact


def test_state_dict_round_trip_keeps_keys_metadata_and_parameters(tmp_path):
    model = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.BatchNorm1d(4), nt.nn.ReLU(),
                             nt.nn.Linear(4, 2))
    model(nt.randn(5, 3))
    sd = model.state_dict()
    back = _round_trip(sd, tmp_path)
    assert isinstance(back, OrderedDict) and list(back) == list(sd)
    assert back._metadata == sd._metadata
    assert back["1.num_batches_tracked"].dtype is nt.int64
    clone = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.BatchNorm1d(4), nt.nn.ReLU(),
                             nt.nn.Linear(4, 2))
    clone.load_state_dict(back)
    x = nt.randn(2, 3)
    model.eval(), clone.eval()
    assert nt.equal(clone(x), model(x))
    params = _round_trip({"w": model[0].weight, "frozen": nt.nn.Parameter(nt.ones(2), False),
                          "leaf": nt.ones(2, requires_grad=True)})
    assert isinstance(params["w"], nt.nn.Parameter) and params["w"].requires_grad
    assert isinstance(params["frozen"], nt.nn.Parameter) and not params["frozen"].requires_grad
    assert type(params["leaf"]) is nt.Tensor and params["leaf"].requires_grad


def test_d2l_file_io(tmp_path, monkeypatch):
    """d2l's builders' guide: save and load a tensor, a list, a dict and an MLP's params."""
    monkeypatch.chdir(tmp_path)
    if True:
        x = nt.arange(4)
        nt.save(x, "x-file")
        x2 = nt.load("x-file")
        assert nt.equal(x2, x)
        y = nt.zeros(4)
        nt.save([x, y], "x-files")
        x2, y2 = nt.load("x-files")
        assert nt.equal(x2, x) and nt.equal(y2, y)
        mydict = {"x": x, "y": y}
        nt.save(mydict, "mydict")
        assert list(nt.load("mydict")) == ["x", "y"]
        net = nt.nn.Sequential(nt.nn.LazyLinear(256), nt.nn.ReLU(), nt.nn.LazyLinear(10))
        X = nt.randn(2, 20)  # d2l: randn(size=(2, 20)), which numtensor mishandles
        Y = net(X)
        nt.save(net.state_dict(), "mlp.params")
        clone = nt.nn.Sequential(nt.nn.LazyLinear(256), nt.nn.ReLU(), nt.nn.LazyLinear(10))
        clone.load_state_dict(nt.load("mlp.params"))
        clone.eval()
        assert nt.equal(clone(X), Y)


def test_shared_tensor_objects_stay_shared():
    t = nt.ones(3)
    back = _round_trip([t, t, t[1:]])
    assert back[0] is back[1] and back[2] is not back[0]


class TiedNet(nt.nn.Module):
    """A user's model class, with one Linear used twice (tied weights)."""

    def __init__(self):
        super().__init__()
        self.inner = nt.nn.Linear(3, 3)
        self.stack = nt.nn.Sequential(self.inner, nt.nn.ReLU(), self.inner)
        self.register_buffer("steps", nt.tensor(7))

    def forward(self, x):
        return self.stack(x)


def test_whole_model_round_trip_takes_weights_only_false(tmp_path):
    # PyTorch's "Save and Load the Model" tutorial: torch.save(model, 'model.pth'), then
    # torch.load('model.pth', weights_only=False)
    nt.manual_seed(0)
    model = TiedNet()
    x = nt.randn(4, 3)
    path = tmp_path / "model.pth"
    nt.save({"model": model, "epoch": 3}, path)
    for refused in ({}, {"weights_only": True}):
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed.*weights_only"):
            nt.load(path, **refused)
    back = nt.load(path, weights_only=False)
    assert back["epoch"] == 3 and type(back["model"]) is TiedNet
    clone = back["model"]
    assert clone.stack[0] is clone.inner and clone.stack[2] is clone.inner
    assert isinstance(clone.inner.weight, nt.nn.Parameter) and clone.inner.weight.requires_grad
    assert clone.steps.item() == 7 and list(clone.state_dict()) == list(model.state_dict())
    assert nt.equal(clone(x), model(x))
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("numtensor/manifest.json"))
        assert manifest["version"] == 2 and manifest["object"]["$dict"][0][1] == {"$pickle": 0}
        # the tensors are in the table, not inside the pickle: each stored once
        assert len(manifest["tensors"]) == 3
    buffer = io.BytesIO()
    nt.save(model.state_dict(), buffer)  # plain data stays version 1, readable before pickles
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert json.loads(archive.read("numtensor/manifest.json"))["version"] == 1


def test_other_objects_are_pickled_and_refused_by_default():
    buffer = io.BytesIO()
    nt.save([_Point(1, nt.ones(2))], buffer)
    with pytest.raises(pickle.UnpicklingError, match="Weights only"):
        nt.load(io.BytesIO(buffer.getvalue()))
    (point,) = nt.load(io.BytesIO(buffer.getvalue()), weights_only=False)
    assert isinstance(point, _Point) and point.x == 1 and nt.equal(point.y, nt.ones(2))
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        nt.save(nt.nn.Sequential(_Lambda(lambda v: v)), io.BytesIO())  # as in PyTorch


class _Lambda(nt.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn


def test_unsupported_objects_are_refused_at_save():
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        nt.save(loop, io.BytesIO())
    with pytest.raises(TypeError, match="uninitialized parameter"):
        nt.save(nt.nn.LazyLinear(2).state_dict(), io.BytesIO())
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        nt.save(nt.ones(1), "/nonexistent_dir_for_numtensor/x.pt")


_Point = __import__("collections").namedtuple("_Point", "x y")


def test_format_is_documented_json_plus_raw_little_endian_buffers():
    buf = io.BytesIO()
    nt.save({"w": nt.tensor([[1.0, 2.0]], dtype=nt.float64)}, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as archive:
        assert sorted(archive.namelist()) == ["numtensor/data/0", "numtensor/manifest.json"]
        manifest = json.loads(archive.read("numtensor/manifest.json"))
        raw = archive.read("numtensor/data/0")
    assert manifest["format"] == "numtensor" and manifest["version"] == 1
    assert manifest["tensors"] == [{"dtype": "float64", "shape": [1, 2], "requires_grad": False,
                                    "parameter": False, "device": "cpu"}]
    assert manifest["object"] == {"$dict": [["w", {"$tensor": 0}]]}
    assert np.frombuffer(raw, dtype="<f8").tolist() == [1.0, 2.0]


# ---- bad files ----------------------------------------------------------------------------------
def _saved_bytes(obj):
    buf = io.BytesIO()
    nt.save(obj, buf)
    return buf.getvalue()


def test_corrupt_and_foreign_files_raise_clear_errors(tmp_path):
    good = _saved_bytes({"w": nt.randn(100, 10)})
    cases = {
        "garbage": (b"hello world this is not a checkpoint", pickle.UnpicklingError,
                    "not a numtensor or PyTorch checkpoint"),
        "empty": (b"", EOFError, "empty"),
        "truncated": (good[: len(good) // 2], RuntimeError, "truncated or corrupt"),
        "short_tail": (good[:-10], RuntimeError, "truncated or corrupt"),
    }
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("a.txt", "hi")
    cases["other_zip"] = (other.getvalue(), RuntimeError, "not a numtensor or PyTorch")
    future = io.BytesIO()
    with zipfile.ZipFile(future, "w") as archive:
        archive.writestr("numtensor/manifest.json", json.dumps(
            {"format": "numtensor", "version": 99, "tensors": [], "object": None}))
    cases["future"] = (future.getvalue(), RuntimeError, "version 99")
    missing = io.BytesIO()
    with zipfile.ZipFile(missing, "w") as archive:
        archive.writestr("numtensor/manifest.json", json.dumps(
            {"format": "numtensor", "version": 1, "object": {"$tensor": 0},
             "tensors": [{"dtype": "float32", "shape": [3], "requires_grad": False,
                          "parameter": False, "device": "cpu"}]}))
        archive.writestr("numtensor/data/0", b"\x00" * 8)
    cases["wrong_size"] = (missing.getvalue(), RuntimeError, "should hold 12 bytes but has 8")
    for name, (data, error, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(error, match=message):
            nt.load(path)
        with pytest.raises(error):
            nt.load(io.BytesIO(data))
    with pytest.raises(FileNotFoundError):
        nt.load(tmp_path / "missing.pt")


def test_map_location_and_weights_only():
    data = _saved_bytes({"w": nt.ones(2)})
    for location in (None, "cpu", nt.device("cpu"), {"cpu": "cpu"}):
        assert nt.load(io.BytesIO(data), map_location=location)["w"].device == nt.device("cpu")
    seen = []
    nt.load(io.BytesIO(data), map_location=lambda t, loc: seen.append(loc) or t)
    assert seen == ["cpu"]
    assert nt.load(io.BytesIO(data), weights_only=True)["w"].tolist() == [1.0, 1.0]
    assert nt.load(io.BytesIO(data), weights_only=False)["w"].tolist() == [1.0, 1.0]
    if not nt.cuda.is_available():
        with pytest.raises(RuntimeError, match="torch.cuda.is_available\\(\\) is False"):
            nt.load(io.BytesIO(data), map_location="cuda")


# ---- checkpoints written by PyTorch -------------------------------------------------------------
def _torch_bytes(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def test_loads_a_state_dict_written_by_torch_save(tmp_path):
    torch.manual_seed(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4),
                                  torch.nn.ReLU(), torch.nn.Linear(4, 2))
    t_model(torch.randn(6, 3))
    path = tmp_path / "model.pt"
    torch.save(t_model.state_dict(), path)
    sd = nt.load(path)
    assert isinstance(sd, OrderedDict) and list(sd) == list(t_model.state_dict())
    assert sd._metadata == t_model.state_dict()._metadata
    assert sd["1.num_batches_tracked"].dtype is nt.int64
    n_model = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.BatchNorm1d(4), nt.nn.ReLU(),
                               nt.nn.Linear(4, 2))
    n_model.load_state_dict(sd)
    n_model.eval(), t_model.eval()
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(arr(n_model(nt.tensor(x))), arr(t_model(torch.tensor(x))),
                               atol=1e-6)


def test_loads_torch_tensors_of_every_kind():
    base = torch.arange(12.0).reshape(3, 4)
    obj = {"view": base[:, 1::2], "same_storage": base, "param": torch.nn.Parameter(torch.ones(2)),
           "frozen": torch.nn.Parameter(torch.ones(1), requires_grad=False),
           "grad": torch.ones(2, requires_grad=True),
           "half": torch.ones(2, dtype=torch.float16), "bool": torch.tensor([True, False]),
           "complex": torch.tensor([1 + 2j]), "long": torch.tensor(7),
           "dtype": torch.float64, "size": torch.Size([2, 3]), "list": [1, 2.5, "x", None],
           "tuple": (1, torch.zeros(1))}
    back = nt.load(io.BytesIO(_torch_bytes(obj)))
    assert back["view"].tolist() == base[:, 1::2].tolist()
    assert back["view"].data_ptr() != 0 and back["same_storage"].tolist() == base.tolist()
    with nt.no_grad():
        back["same_storage"][0, 1] = 100.0  # views of one storage stay views, as in torch
    assert back["view"][0, 0].item() == 100.0
    assert isinstance(back["param"], nt.nn.Parameter) and back["param"].requires_grad
    assert isinstance(back["frozen"], nt.nn.Parameter) and not back["frozen"].requires_grad
    assert back["grad"].requires_grad and type(back["grad"]) is nt.Tensor
    assert back["half"].dtype is nt.float16 and back["bool"].tolist() == [True, False]
    assert back["complex"].tolist() == [1 + 2j] and back["long"].item() == 7
    assert back["dtype"] is nt.float64 and back["size"] == nt.Size([2, 3])
    assert back["list"] == [1, 2.5, "x", None] and back["tuple"][1].tolist() == [0.0]


def test_torch_checkpoint_with_code_is_refused():
    data = _torch_bytes({"model": torch.nn.Linear(1, 1)})
    with pytest.raises(pickle.UnpicklingError, match="refuses torch.nn.modules.linear.Linear"):
        nt.load(io.BytesIO(data))
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(eval, protocol=2))  # a builtin global
        archive.writestr("archive/version", "3\n")
    with pytest.raises(pickle.UnpicklingError, match="refuses .*eval"):
        nt.load(io.BytesIO(evil.getvalue()))


def test_torch_optimizer_state_dict_loads():
    p = torch.nn.Parameter(torch.ones(3))
    opt = torch.optim.Adam([p], lr=0.01)
    p.grad = torch.ones(3)
    opt.step()
    back = nt.load(io.BytesIO(_torch_bytes(opt.state_dict())))
    assert back["param_groups"][0]["betas"] == (0.9, 0.999)
    state = back["state"][0]
    assert state["step"].item() == 1.0 and state["exp_avg"].tolist() == pytest.approx([0.1] * 3)
    q = nt.nn.Parameter(nt.ones(3))
    mine = nt.optim.Adam([q], lr=0.5)
    mine.load_state_dict(back)
    assert mine.param_groups[0]["lr"] == 0.01


def test_torch_and_numtensor_models_share_checkpoints_both_ways(tmp_path):
    torch.manual_seed(1)
    t_model = torch.nn.Linear(3, 2)
    n_model = nt.nn.Linear(3, 2)
    copy_weights(n_model, t_model)
    path = tmp_path / "from_torch.pt"
    torch.save(t_model.state_dict(), path)
    fresh = nt.nn.Linear(3, 2)
    fresh.load_state_dict(nt.load(path))
    assert nt.equal(fresh.weight, n_model.weight)
