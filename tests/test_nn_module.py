"""nn.Module, Parameter and the containers, against torch.nn: registration, traversal,
state_dict keys and errors, hooks, conversions, repr."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, copy_weights, raises_like, torch

tnn = torch.nn
nnn = nt.nn


def build(lib):
    """A nested model using every kind of registration."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(lib.ones(3))
            self.register_buffer("count", lib.zeros(1))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)
            self.fc = nn.Linear(4, 3)
            self.act = nn.Sequential(nn.ReLU(), nn.Linear(3, 2, bias=False))

        def forward(self, x):
            return self.act(self.fc(x) * self.scale)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.heads = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Tanh()])
            self.named = nn.ModuleDict({"b": nn.Linear(2, 1), "a": nn.Identity()})
            self.shared = self.heads[0]  # the same module twice

        def forward(self, x):
            h = self.block(x)
            for head in self.heads:
                h = head(h)
            return self.named["b"](self.named["a"](h))

    return Net()


@pytest.fixture
def models():
    torch.manual_seed(0)
    t = build(torch)
    n = build(nt)
    copy_weights(n, t)
    return n, t


# ---- traversal ------------------------------------------------------------------------
def test_named_parameters_buffers_modules_match_torch(models):
    n, t = models
    assert [k for k, _ in n.named_parameters()] == [k for k, _ in t.named_parameters()]
    assert [k for k, _ in n.named_buffers()] == [k for k, _ in t.named_buffers()]
    assert [k for k, _ in n.named_modules()] == [k for k, _ in t.named_modules()]
    assert [k for k, _ in n.named_children()] == [k for k, _ in t.named_children()]
    assert [k for k, _ in n.named_parameters(prefix="model", recurse=True)] == \
        [k for k, _ in t.named_parameters(prefix="model", recurse=True)]
    assert [k for k, _ in n.block.named_parameters(recurse=False)] == ["scale"]
    assert [k for k, _ in n.named_parameters(remove_duplicate=False)] == \
        [k for k, _ in t.named_parameters(remove_duplicate=False)]
    assert [k for k, _ in n.named_modules(remove_duplicate=False)] == \
        [k for k, _ in t.named_modules(remove_duplicate=False)]
    assert len(list(n.parameters())) == len(list(t.parameters()))
    assert len(list(n.modules())) == len(list(t.modules()))
    assert len(list(n.buffers())) == 2 and len(list(n.children())) == 4


def test_parameters_are_the_registered_objects(models):
    n, _ = models
    assert next(n.parameters()) is n.block.scale
    assert isinstance(n.block.fc.weight, nnn.Parameter)
    assert isinstance(n.block.fc.weight, nt.Tensor)
    assert n.shared is n.heads[0]
    assert n.get_submodule("block.act.1") is n.block.act[1]
    assert n.get_parameter("block.fc.bias") is n.block.fc.bias
    assert n.get_buffer("block.count") is n.block.count


def test_forward_matches_torch(models):
    n, t = models
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(arr(n(nt.tensor(x))), arr(t(torch.tensor(x))), atol=1e-6)


def test_apply_visits_children_first(models):
    n, t = models
    seen_n, seen_t = [], []
    assert n.apply(lambda m: seen_n.append(type(m).__name__)) is n
    t.apply(lambda m: seen_t.append(type(m).__name__))
    assert seen_n == seen_t


# ---- attributes -----------------------------------------------------------------------
def test_setattr_registers_and_reassigns():
    m = nnn.Module()
    m.w = nnn.Parameter(nt.ones(2))
    m.sub = nnn.Linear(2, 2)
    m.plain = 3
    assert list(m._parameters) == ["w"] and list(m._modules) == ["sub"]
    assert m.plain == 3 and "plain" not in m._parameters
    m.w = None
    assert m._parameters["w"] is None and m.w is None
    assert list(m.parameters()) == list(m.sub.parameters())
    m.sub = None
    assert m.sub is None and list(m.children()) == []
    m.register_buffer("b", nt.zeros(1))
    m.b = nt.ones(1)
    assert m._buffers["b"].item() == 1.0
    # an attribute changes kind: a plain value replaced by a module
    m.plain = nnn.ReLU()
    assert "plain" in m._modules and "plain" not in m.__dict__


def test_delattr():
    m = nnn.Linear(2, 2)
    del m.bias
    assert "bias" not in m._parameters
    m.register_buffer("b", nt.zeros(1))
    del m.b
    assert "b" not in m._buffers
    m.x = 1
    del m.x
    with pytest.raises(AttributeError):
        del m.nothing


@pytest.mark.parametrize("case", ["param_tensor", "module_value", "buffer_value", "missing",
                                  "param_name_type", "param_dot", "param_empty", "exists",
                                  "buffer_dot", "buffer_type", "nonleaf", "module_dot",
                                  "module_empty", "param_type", "buffer_name_type"])
def test_registration_errors_match_torch(case):
    def run(lib):
        nn = lib.nn
        m = nn.Linear(2, 2)
        m.register_buffer("buf", lib.zeros(1))
        m.child = nn.ReLU()
        if case == "param_tensor":
            m.weight = lib.zeros(2, 2)
        elif case == "module_value":
            m.child = 3
        elif case == "buffer_value":
            m.buf = 3
        elif case == "missing":
            return m.nothing
        elif case == "param_name_type":
            m.register_parameter(1, None)
        elif case == "param_dot":
            m.register_parameter("a.b", None)
        elif case == "param_empty":
            m.register_parameter("", None)
        elif case == "exists":
            m.register_buffer("in_features", None)
        elif case == "buffer_dot":
            m.register_buffer("a.b", None)
        elif case == "buffer_type":
            m.register_buffer("x", 3)
        elif case == "buffer_name_type":
            m.register_buffer(3, None)
        elif case == "nonleaf":
            m.p = nn.Parameter(lib.ones(2))
            m.register_parameter("q", m.p * 2)
        elif case == "module_dot":
            m.add_module("a.b", nn.ReLU())
        elif case == "module_empty":
            m.add_module("", nn.ReLU())
        elif case == "param_type":
            m.register_parameter("z", lib.zeros(2))
    raises_like(lambda: run(nt), lambda: run(torch))


def test_assignment_before_init_is_an_attribute_error():
    for lib in (nt, torch):
        class Early(lib.nn.Module):
            def __init__(self, what):
                if what == "param":
                    self.p = lib.nn.Parameter(lib.ones(1))
                else:
                    self.m = lib.nn.ReLU()
                super().__init__()
        with pytest.raises(AttributeError, match="before Module.__init__"):
            Early("param")
        with pytest.raises(AttributeError, match="before Module.__init__"):
            Early("module")


def test_constructor_arguments_and_missing_forward():
    raises_like(lambda: nnn.Sigmoid(3), lambda: tnn.Sigmoid(3))
    raises_like(lambda: nnn.Tanh(foo=1), lambda: tnn.Tanh(foo=1))
    raises_like(lambda: nnn.Module()(nt.ones(1)), lambda: tnn.Module()(torch.ones(1)))
    assert isinstance(nnn.Identity(3, foo="bar"), nnn.Identity)  # ignores its arguments


# ---- modes and gradients --------------------------------------------------------------
def test_train_eval_propagate(models):
    n, _ = models
    assert n.training and n.block.act[0].training
    assert n.eval() is n
    assert not any(m.training for m in n.modules())
    assert n.train() is n and all(m.training for m in n.modules())
    n.train(False)
    assert not n.heads[2].training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        n.train("yes")


def test_zero_grad_and_requires_grad(models):
    n, _ = models
    n(nt.randn(3, 4)).sum().backward()
    assert all(p.grad is not None for p in n.parameters())
    n.zero_grad(set_to_none=False)
    assert all(p.grad is not None and float(p.grad.abs().sum()) == 0 for p in n.parameters())
    n.zero_grad()
    assert all(p.grad is None for p in n.parameters())
    assert n.requires_grad_(False) is n
    assert not any(p.requires_grad for p in n.parameters())
    n.requires_grad_()
    assert all(p.requires_grad for p in n.parameters())


# ---- conversions ----------------------------------------------------------------------
def test_to_double_keeps_parameter_identity_and_converts_grads(models):
    n, _ = models
    n(nt.randn(3, 4)).sum().backward()
    params = list(n.parameters())
    grads = [p.grad for p in params]
    assert n.double() is n
    assert [id(p) for p in n.parameters()] == [id(p) for p in params]
    assert all(p.dtype is nt.float64 and isinstance(p, nnn.Parameter) for p in params)
    assert all(p.requires_grad for p in params)
    assert all(p.grad is g and g.dtype is nt.float64 for p, g in zip(params, grads))
    assert n.block.count.dtype is nt.float64
    out = n(nt.randn(3, 4, dtype=nt.float64))
    assert out.dtype is nt.float64
    assert n.float() is n and n.block.fc.weight.dtype is nt.float32
    assert n.to(nt.float64) is n and n.block.fc.weight.dtype is nt.float64
    assert n.to("cpu") is n and n.to(nt.device("cpu"), nt.float32) is n
    assert n.block.fc.weight.dtype is nt.float32
    assert n.to(nt.zeros(1, dtype=nt.float64)) is n and n.heads[0].bias.dtype is nt.float64
    assert n.cpu() is n
    assert n.half() is n and n.block.fc.weight.dtype is nt.float16


def test_to_keeps_integer_buffers_and_rejects_integer_dtypes():
    bn = nnn.BatchNorm1d(3)
    bn.double()
    assert bn.num_batches_tracked.dtype is nt.int64
    assert bn.running_mean.dtype is nt.float64
    raises_like(lambda: bn.to(nt.int32), lambda: tnn.BatchNorm1d(3).to(torch.int32))
    with pytest.raises(TypeError, match="unexpected keyword argument 'dtyp'"):
        bn.to(dtyp=nt.float64)


def test_optimizer_keeps_working_after_module_to():
    m = nnn.Linear(2, 1)
    opt = nt.optim.SGD(m.parameters(), lr=0.1)
    m.double()
    m(nt.ones(1, 2, dtype=nt.float64)).sum().backward()
    before = m.weight.clone()
    opt.step()
    assert not nt.equal(before, m.weight)


# ---- state_dict -----------------------------------------------------------------------
def test_state_dict_keys_metadata_and_sharing(models):
    n, t = models
    sd_n, sd_t = n.state_dict(), t.state_dict()
    assert list(sd_n) == list(sd_t)
    assert dict(sd_n._metadata) == dict(sd_t._metadata)
    assert isinstance(sd_n, OrderedDict)
    assert not sd_n["block.fc.weight"].requires_grad
    sd_n["block.fc.weight"][0, 0] = 42.0  # values share memory with the parameters
    assert n.block.fc.weight[0, 0].item() == 42.0
    assert n.state_dict(keep_vars=True)["block.fc.weight"] is n.block.fc.weight
    assert list(n.block.state_dict(prefix="x.")) == list(t.block.state_dict(prefix="x."))
    assert list(nnn.BatchNorm1d(3).state_dict()._metadata.values()) == [{"version": 2}]


def test_load_state_dict_round_trip(models):
    n, t = models
    fresh = build(nt)
    result = fresh.load_state_dict(n.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = nt.randn(2, 4)
    np.testing.assert_array_equal(arr(fresh(x)), arr(n(x)))
    # loading copies: the parameters keep their identity
    w = fresh.block.fc.weight
    fresh.load_state_dict(build(nt).state_dict())
    assert fresh.block.fc.weight is w


@pytest.mark.parametrize("case", ["missing", "unexpected", "size", "all", "nested_unexpected"])
def test_load_state_dict_errors_match_torch(case):
    def run(lib, strict=True):
        m = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU(), lib.nn.Linear(2, 1))
        sd = dict(m.state_dict())
        if case in ("missing", "all"):
            del sd["0.bias"]
        if case in ("unexpected", "all"):
            sd["extra"] = lib.zeros(1)
        if case in ("size", "all"):
            sd["2.weight"] = lib.zeros(3, 2)
        if case == "nested_unexpected":
            sd["1.weight"] = lib.zeros(1)
            sd["2.foo"] = lib.zeros(1)
        return m.load_state_dict(sd, strict=strict)
    raises_like(lambda: run(nt), lambda: run(torch))
    if case != "size" and case != "all":
        assert repr(run(nt, False)) == repr(run(torch, False))


def test_load_state_dict_type_errors():
    raises_like(lambda: nnn.Linear(1, 1).load_state_dict([1]),
                lambda: tnn.Linear(1, 1).load_state_dict([1]))
    with pytest.raises(RuntimeError, match="expected torch.Tensor or Tensor-like"):
        nnn.Linear(1, 1).load_state_dict({"weight": [[1.0]], "bias": nt.zeros(1)})


def test_load_state_dict_assign():
    m = nnn.Linear(2, 2)
    new_w = nt.ones(2, 2)
    m.load_state_dict({"weight": new_w, "bias": nt.zeros(2)}, assign=True)
    assert isinstance(m.weight, nnn.Parameter) and m.weight.requires_grad
    assert m.weight.data_ptr() == new_w.data_ptr()


def test_batchnorm_loads_old_checkpoints_without_num_batches_tracked():
    sd = {"weight": nt.ones(3), "bias": nt.zeros(3), "running_mean": nt.zeros(3),
          "running_var": nt.ones(3)}
    assert nnn.BatchNorm1d(3).load_state_dict(sd).missing_keys == []
    sd = OrderedDict(sd)
    sd._metadata = {"": {"version": 2}}
    with pytest.raises(RuntimeError, match='Missing key.*"num_batches_tracked"'):
        nnn.BatchNorm1d(3).load_state_dict(sd)


def test_non_persistent_buffers_are_not_saved():
    m = nnn.Module()
    m.register_buffer("kept", nt.zeros(1))
    m.register_buffer("dropped", nt.zeros(1), persistent=False)
    assert list(m.state_dict()) == ["kept"]
    assert [k for k, _ in m.named_buffers()] == ["kept", "dropped"]


# ---- hooks ----------------------------------------------------------------------------
def test_forward_hooks_change_inputs_and_outputs_and_remove():
    for lib in (nt, torch):
        m = lib.nn.Linear(2, 2)
        calls = []
        pre = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
        post = m.register_forward_hook(lambda mod, args, out: calls.append(out.shape) or out + 1)
        y = m(lib.ones(3, 2))
        assert np.allclose(arr(y), arr(m.bias.detach().expand(3, 2) + 1))
        assert list(calls[0]) == [3, 2]
        pre.remove()
        post.remove()
        pre.remove()  # removing twice is harmless
        assert np.allclose(arr(m(lib.ones(1, 2))), arr(lib.nn.functional.linear(
            lib.ones(1, 2), m.weight, m.bias)))


def test_hook_order_prepend_kwargs_and_context_manager():
    m = nnn.Identity()
    order = []
    m.register_forward_hook(lambda mod, a, o: order.append("first"))
    m.register_forward_hook(lambda mod, a, o: order.append("prepended"), prepend=True)
    with m.register_forward_pre_hook(lambda mod, a, kw: ((a[0] + 1,), kw), with_kwargs=True):
        assert m(nt.tensor(1.0)).item() == 2.0
    assert m(nt.tensor(1.0)).item() == 1.0
    assert order == ["prepended", "first"] * 2
    seen = []
    m.register_forward_hook(lambda mod, a, kw, o: seen.append(sorted(kw)), with_kwargs=True)
    m(input=nt.tensor(1.0))
    assert seen == [["input"]]


def test_pre_hook_returning_a_single_value_is_wrapped():
    m = nnn.Identity()
    m.register_forward_pre_hook(lambda mod, args: args[0] * 3)
    assert m(nt.tensor(2.0)).item() == 6.0


def test_always_call_hook_runs_when_forward_raises():
    m = nnn.Linear(2, 2)
    seen = []
    m.register_forward_hook(lambda mod, a, o: seen.append(o), always_call=True)
    with pytest.raises(RuntimeError):
        m(nt.ones(1, 3))
    assert seen == [None]


# ---- repr -----------------------------------------------------------------------------
def test_repr_matches_torch(models):
    n, t = models
    assert repr(n) == repr(t)
    assert repr(nnn.Sequential()) == repr(tnn.Sequential())
    mlp = [lambda nn: nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                                     nn.Linear(256, 10))]
    assert repr(mlp[0](nnn)) == repr(mlp[0](tnn))


def test_modulelist_repr_groups_repeated_modules():
    def make(nn):
        return nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.ReLU()]
                             + [nn.Linear(2, 3)])
    assert repr(make(nnn)) == repr(make(tnn))
    assert repr(nnn.ModuleList()) == repr(tnn.ModuleList())


def test_extra_repr_multiline_and_custom():
    class Custom(nnn.Module):
        def extra_repr(self):
            return "a=1\nb=2"

    class CustomT(tnn.Module):
        def extra_repr(self):
            return "a=1\nb=2"
    n, t = Custom(), CustomT()
    n.inner = nnn.Linear(1, 1)
    t.inner = tnn.Linear(1, 1)
    assert repr(n).replace("Custom", "X") == repr(t).replace("CustomT", "X")


# ---- Parameter ------------------------------------------------------------------------
def test_parameter_basics():
    p = nnn.Parameter(nt.tensor([1.0, 2.0]))
    q = tnn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(q) and str(p) == str(q)
    assert p.requires_grad and p.is_leaf and isinstance(p, nt.Tensor)
    assert type(p * 2) is nt.Tensor and type(p.detach()) is nt.Tensor
    assert type(p.clone()) is nt.Tensor
    frozen = nnn.Parameter(nt.ones(2), requires_grad=False)
    assert not frozen.requires_grad
    assert repr(frozen) == repr(tnn.Parameter(torch.ones(2), requires_grad=False))
    assert nnn.Parameter().shape == (0,)
    raises_like(lambda: nnn.Parameter(nt.tensor([1, 2])),
                lambda: tnn.Parameter(torch.tensor([1, 2])))
    ints = nnn.Parameter(nt.tensor([1, 2]), requires_grad=False)
    assert ints.dtype is nt.int64


def test_parameter_shares_memory_with_its_data():
    data = nt.zeros(3)
    p = nnn.Parameter(data)
    with nt.no_grad():
        p.add_(1)
    assert data.tolist() == [1.0, 1.0, 1.0]


def test_parameter_deepcopy_and_pickle():
    m = nnn.Linear(2, 2)
    c = copy.deepcopy(m)
    assert isinstance(c.weight, nnn.Parameter) and c.weight is not m.weight
    assert nt.equal(c.weight, m.weight)
    assert c.weight.data_ptr() != m.weight.data_ptr()
    p = pickle.loads(pickle.dumps(m.weight))
    assert isinstance(p, nnn.Parameter) and p.requires_grad and nt.equal(p, m.weight)
    frozen = pickle.loads(pickle.dumps(nnn.Parameter(nt.ones(1), requires_grad=False)))
    assert not frozen.requires_grad


def test_parameter_in_place_update_under_no_grad_keeps_identity():
    m = nnn.Linear(2, 1)
    w = m.weight
    with nt.no_grad():
        m.weight -= 0.5 * nt.ones_like(m.weight)
    assert m.weight is w
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        m.weight.add_(1)
    m.weight.data.add_(1)  # .data is not tracked


# ---- containers -----------------------------------------------------------------------
def test_sequential_indexing_slicing_and_editing():
    layers = [nnn.Linear(2, 2), nnn.ReLU(), nnn.Linear(2, 1)]
    s = nnn.Sequential(*layers)
    assert len(s) == 3 and s[0] is layers[0] and s[-1] is layers[2]
    assert list(s) == layers
    sub = s[1:]
    assert isinstance(sub, nnn.Sequential) and list(sub) == layers[1:]
    assert list(sub._modules) == ["1", "2"]  # a slice keeps the names, as in torch
    with pytest.raises(IndexError, match="index 3 is out of range"):
        s[3]
    s.append(nnn.Sigmoid())
    assert len(s) == 4 and isinstance(s[3], nnn.Sigmoid)
    del s[1]
    assert list(s._modules) == ["0", "1", "2"] and isinstance(s[1], nnn.Linear)
    s[1] = nnn.Tanh()
    assert isinstance(s[1], nnn.Tanh)
    s.insert(0, nnn.Identity())
    assert isinstance(s[0], nnn.Identity) and len(s) == 4
    assert s.pop(0).__class__ is nnn.Identity and len(s) == 3
    named = nnn.Sequential(OrderedDict([("conv", nnn.Linear(1, 1)), ("act", nnn.ReLU())]))
    assert list(named._modules) == ["conv", "act"] and named.act is named[1]
    doubled = named + named
    assert len(doubled) == 4
    assert repr(nnn.Sequential(OrderedDict([("fc", nnn.Linear(1, 1))]))) == \
        repr(tnn.Sequential(OrderedDict([("fc", tnn.Linear(1, 1))])))


def test_sequential_forward_chains():
    s = nnn.Sequential(nnn.Linear(3, 2), nnn.ReLU())
    x = nt.randn(4, 3)
    assert nt.equal(s(x), s[1](s[0](x)))


def test_modulelist_and_moduledict():
    ml = nnn.ModuleList([nnn.ReLU()])
    ml.append(nnn.Tanh())
    ml.extend([nnn.Sigmoid()])
    ml += [nnn.Identity()]
    ml.insert(1, nnn.Linear(1, 1))
    assert [type(m).__name__ for m in ml] == ["ReLU", "Linear", "Tanh", "Sigmoid", "Identity"]
    assert isinstance(ml[1:3], nnn.ModuleList) and len(ml[1:3]) == 2
    del ml[0]
    assert list(ml._modules) == ["0", "1", "2", "3"]
    assert len(list(ml.parameters())) == 2
    with pytest.raises(NotImplementedError):
        ml(nt.ones(1))
    md = nnn.ModuleDict({"a": nnn.ReLU()})
    md["b"] = nnn.Linear(1, 1)
    md.update([("c", nnn.Tanh())])
    assert list(md.keys()) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert md.pop("a").__class__ is nnn.ReLU and list(md) == ["b", "c"]
    assert [k for k, _ in md.named_parameters()] == ["b.weight", "b.bias"]


# ---- lazy modules ---------------------------------------------------------------------
def test_lazy_linear_infers_in_features_and_becomes_linear():
    lazy = nnn.LazyLinear(3)
    assert repr(lazy) == repr(tnn.LazyLinear(3))
    assert isinstance(lazy.weight, nnn.UninitializedParameter)
    assert repr(lazy.weight) == "<UninitializedParameter>"
    weight = lazy.weight
    opt = nt.optim.SGD(lazy.parameters(), lr=0.1)  # built before the shapes are known
    lazy.weight.data.normal_(0, 0.01)  # as d2l does: a no-op on the empty placeholder
    y = lazy(nt.randn(5, 4))
    assert type(lazy) is nnn.Linear and lazy.in_features == 4
    assert lazy.weight is weight and type(weight) is nnn.Parameter
    assert tuple(y.shape) == (5, 3) and tuple(lazy.weight.shape) == (3, 4)
    bound = 1 / 2  # default init from the inferred fan_in 4
    assert float(lazy.weight.abs().max()) <= bound
    y.sum().backward()
    opt.step()
    assert repr(lazy) == "Linear(in_features=4, out_features=3, bias=True)"
    assert not lazy._forward_pre_hooks


def test_lazy_modules_in_a_sequential_and_state_dict_loading():
    net = nnn.Sequential(nnn.Flatten(), nnn.LazyLinear(8), nnn.ReLU(), nnn.LazyLinear(2))
    net(nt.randn(2, 3, 4))
    assert [tuple(p.shape) for p in net.parameters()] == [(8, 12), (8,), (2, 8), (2,)]
    fresh = nnn.Sequential(nnn.Flatten(), nnn.LazyLinear(8), nnn.ReLU(), nnn.LazyLinear(2))
    fresh.load_state_dict(net.state_dict())
    x = nt.randn(2, 3, 4)
    np.testing.assert_array_equal(arr(fresh(x)), arr(net(x)))
    assert type(fresh[1]) is nnn.Linear


def test_deepcopy_and_pickle_of_modules_with_hooks():
    lazy = nnn.Sequential(nnn.LazyLinear(3), nnn.ReLU())
    twin = copy.deepcopy(lazy)
    twin(nt.randn(2, 5))
    assert type(twin[0]) is nnn.Linear and not twin[0]._forward_pre_hooks
    assert isinstance(lazy[0], nnn.LazyLinear) and lazy[0]._forward_pre_hooks
    lazy(nt.randn(2, 4))
    assert lazy[0].in_features == 4 and twin[0].in_features == 5
    m = nnn.Linear(2, 2)
    handle = m.register_forward_hook(_zero_output)
    restored, restored_handle = pickle.loads(pickle.dumps((m, handle)))
    assert restored(nt.ones(1, 2)).abs().sum().item() == 0  # the hook came along
    restored_handle.remove()
    assert not restored._forward_hooks and m._forward_hooks
    handle.remove()
    assert not m._forward_hooks


def _zero_output(module, args, output):
    return output * 0


def test_lazy_batchnorm():
    for cls, shape, final in ((nnn.LazyBatchNorm1d, (4, 3), nnn.BatchNorm1d),
                              (nnn.LazyBatchNorm2d, (2, 3, 2, 2), nnn.BatchNorm2d)):
        m = cls()
        assert repr(m) == repr(getattr(tnn, cls.__name__)())
        m(nt.randn(*shape))
        assert type(m) is final and m.num_features == 3
        assert m.running_mean.shape == (3,) and type(m.running_mean) is nt.Tensor
        assert int(m.num_batches_tracked) == 1
        assert repr(m) == repr(getattr(tnn, final.__name__)(3))


def test_parameter_list_matches_torch():
    def run(lib):
        nn = lib.nn
        out = []
        pl = nn.ParameterList([nn.Parameter(lib.ones(2)), nn.Parameter(lib.zeros(3, 2))])
        out += [repr(pl), len(pl), [n for n, _ in pl.named_parameters()]]
        pl.append(lib.ones(1))  # a plain tensor becomes a Parameter
        out += [type(pl[-1]).__name__, pl[-1].requires_grad, len(pl), repr(pl[1:]), repr(pl[:1])]
        pl[0] = lib.zeros(5)
        pl.extend([nn.Parameter(lib.ones(4))])
        out += [tuple(pl[0].shape), len(pl), repr(nn.ParameterList()), repr(nn.ParameterList([1, "a"]))]

        class Scales(nn.Module):
            def __init__(self):
                super().__init__()
                self.ps = nn.ParameterList([nn.Parameter(lib.full((2,), 2.0)) for _ in range(2)])

            def forward(self, x):
                for p in self.ps:
                    x = x * p
                return x

        m = Scales()
        m(lib.arange(2.0)).sum().backward()
        out += [repr(m), list(m.state_dict()), [p.grad.tolist() for p in m.ps]]
        lib.optim.SGD(m.parameters(), lr=0.1).step()
        out += [[p.tolist() for p in m.parameters()]]
        for bad, exc in ((lambda: pl[10], IndexError), (lambda: pl.extend(3), TypeError)):
            with pytest.raises(exc) as err:
                bad()
            out.append(str(err.value))
        return out

    got, want = run(nt), run(torch)
    assert got == want
