"""nn.utils.parametrize / parametrizations / prune / weight_norm / spectral_norm against
PyTorch: same weights (and seeds) in, same outputs, gradients, masks, state_dict keys and
reprs out."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.utils.prune  # noqa: F401  (not imported by torch.nn.utils itself)

import numtensor as nt
from nn_helpers import arr, assert_close, copy_weights, raises_like, randn

LIBS = (nt, torch)


def twin(make):
    """make(lib) for both libraries, numtensor's module given torch's weights."""
    torch.manual_seed(0)
    t = make(torch)
    n = make(nt)
    copy_weights(n, t)
    return n, t


def linear(lib):
    return lib.nn.Linear(4, 3)


def inputs(*shape, seed=1):
    a = randn(*shape, seed=seed)
    return nt.tensor(a), torch.tensor(a)


# ---- parametrize -------------------------------------------------------------------------
def make_symmetric(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(0, 1)

        def right_inverse(self, A):
            return A.triu()
    return Symmetric()


def make_scale(lib):
    class Scale(lib.nn.Module):
        def forward(self, X):
            return X * 2.0
    return Scale()


def make_rank_one(lib):
    class RankOne(lib.nn.Module):
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, Z):
            return Z[:, 0].clone(), Z[0, :].clone()
    return RankOne()


def square(lib):
    return lib.nn.Linear(3, 3)


def test_register_parametrization_layout_repr_and_grads():
    n, t = twin(square)
    for lib, m in ((nt, n), (torch, t)):
        lib.nn.utils.parametrize.register_parametrization(m, "weight", make_symmetric(lib))
    assert type(n).__name__ == type(t).__name__ == "ParametrizedLinear"
    assert isinstance(n, nt.nn.Linear)
    assert nt.nn.utils.parametrize.type_before_parametrizations(n) is nt.nn.Linear
    assert nt.nn.utils.parametrize.is_parametrized(n)
    assert nt.nn.utils.parametrize.is_parametrized(n, "weight")
    assert not nt.nn.utils.parametrize.is_parametrized(n, "bias")
    assert repr(n).replace("__main__", "") == repr(t).replace("__main__", "")
    assert list(n.state_dict()) == list(t.state_dict()) == \
        ["bias", "parametrizations.weight.original"]
    assert [k for k, _ in n.named_parameters()] == [k for k, _ in t.named_parameters()]
    assert type(n.parametrizations.weight).__name__ == "ParametrizationList"
    assert_close(n.parametrizations.weight.original, t.parametrizations.weight.original)
    assert_close(n.weight, t.weight)
    assert_close(n.weight, n.weight.T)
    xn, xt = inputs(2, 3)
    n(xn).pow(2).sum().backward()
    t(xt).pow(2).sum().backward()
    assert_close(n.parametrizations.weight.original.grad,
                 t.parametrizations.weight.original.grad, atol=1e-5)
    assert_close(n.bias.grad, t.bias.grad, atol=1e-5)
    # assignment goes through right_inverse
    a = randn(3, 3, seed=5)
    a = a + a.T
    n.weight = nt.tensor(a)
    t.weight = torch.tensor(a)
    assert_close(n.weight, t.weight)
    assert_close(n.parametrizations.weight.original, t.parametrizations.weight.original)


def test_stacked_parametrizations_and_cached():
    n, t = twin(square)
    for lib, m in ((nt, n), (torch, t)):
        P = lib.nn.utils.parametrize
        P.register_parametrization(m, "weight", make_symmetric(lib))
        P.register_parametrization(m, "weight", make_scale(lib))
    assert len(n.parametrizations.weight) == 2
    assert repr(n).replace("__main__", "") == repr(t).replace("__main__", "")
    assert_close(n.weight, t.weight)
    with nt.nn.utils.parametrize.cached():
        w1 = n.weight
        assert n.weight is w1
    assert n.weight is not w1


def test_register_parametrization_sequence_right_inverse():
    n, t = twin(square)
    for lib, m in ((nt, n), (torch, t)):
        lib.nn.utils.parametrize.register_parametrization(m, "weight", make_rank_one(lib))
    assert list(n.state_dict()) == list(t.state_dict())
    assert "parametrizations.weight.original1" in n.state_dict()
    assert_close(n.weight, t.weight, atol=1e-6)
    xn, xt = inputs(2, 3)
    n(xn).sum().backward()
    t(xt).sum().backward()
    assert_close(n.parametrizations.weight.original0.grad,
                 t.parametrizations.weight.original0.grad, atol=1e-5)
    raises_like(
        lambda: nt.nn.utils.parametrize.remove_parametrizations(n, "weight", False),
        lambda: torch.nn.utils.parametrize.remove_parametrizations(t, "weight", False))
    for lib, m in ((nt, n), (torch, t)):
        lib.nn.utils.parametrize.remove_parametrizations(m, "weight")
    assert type(n) is nt.nn.Linear
    assert_close(n.weight, t.weight)
    assert list(n.state_dict()) == list(t.state_dict()) == ["bias", "weight"]


@pytest.mark.parametrize("leave", [True, False])
def test_remove_parametrizations(leave):
    n, t = twin(square)
    for lib, m in ((nt, n), (torch, t)):
        P = lib.nn.utils.parametrize
        P.register_parametrization(m, "weight", make_scale(lib))
        P.register_parametrization(m, "bias", make_scale(lib))
        P.remove_parametrizations(m, "weight", leave_parametrized=leave)
    assert type(n).__name__ == "ParametrizedLinear"
    assert list(n.state_dict()) == list(t.state_dict())
    assert_close(n.weight, t.weight)
    assert isinstance(n.weight, nt.nn.Parameter)
    for lib, m in ((nt, n), (torch, t)):
        lib.nn.utils.parametrize.remove_parametrizations(m, "bias", leave_parametrized=leave)
    assert type(n) is nt.nn.Linear and not hasattr(n, "parametrizations")
    assert list(n.state_dict()) == list(t.state_dict())
    assert_close(n.bias, t.bias)
    assert repr(n) == repr(t)


def test_parametrize_errors():
    n, t = twin(square)

    class Wide(nt.nn.Module):
        def forward(self, X):
            return nt.cat([X, X])

    class TWide(torch.nn.Module):
        def forward(self, X):
            return torch.cat([X, X])

    raises_like(lambda: nt.nn.utils.parametrize.register_parametrization(n, "weight", Wide()),
                lambda: torch.nn.utils.parametrize.register_parametrization(t, "weight",
                                                                            TWide()))
    raises_like(lambda: nt.nn.utils.parametrize.remove_parametrizations(n, "weight"),
                lambda: torch.nn.utils.parametrize.remove_parametrizations(t, "weight"))
    raises_like(lambda: nt.nn.utils.parametrize.register_parametrization(
                    n, "nothing", make_scale(nt)),
                lambda: torch.nn.utils.parametrize.register_parametrization(
                    t, "nothing", make_scale(torch)))


# ---- weight norm -------------------------------------------------------------------------
def conv(lib):
    return lib.nn.Conv2d(2, 3, 3)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_parametrizations_weight_norm(dim):
    n, t = twin(conv)
    nt.nn.utils.parametrizations.weight_norm(n, dim=dim)
    torch.nn.utils.parametrizations.weight_norm(t, dim=dim)
    assert list(n.state_dict()) == list(t.state_dict())
    for k, v in t.state_dict().items():
        assert_close(n.state_dict()[k], v, atol=1e-6, msg=k)
    assert repr(n) == repr(t)
    xn, xt = inputs(2, 2, 5, 5)
    assert_close(n(xn), t(xt), atol=1e-5)
    n(xn).pow(2).sum().backward()
    t(xt).pow(2).sum().backward()
    for (kn, pn), (kt, pt) in zip(n.named_parameters(), t.named_parameters()):
        assert kn == kt
        assert_close(pn.grad, pt.grad, atol=1e-4, rtol=1e-4, msg=kn)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_old_weight_norm_hook_and_remove():
    n, t = twin(linear)
    with pytest.warns(FutureWarning) as got:
        nt.nn.utils.weight_norm(n)
    with warnings.catch_warnings(record=True) as want:
        warnings.simplefilter("always")
        torch.nn.utils.weight_norm(t)
    assert str(got[0].message) == str(want[0].message)
    assert list(n.state_dict()) == list(t.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert_close(n.weight_g, t.weight_g)
    xn, xt = inputs(5, 4)
    n(xn).pow(2).sum().backward()
    t(xt).pow(2).sum().backward()
    assert_close(n.weight_g.grad, t.weight_g.grad, atol=1e-5)
    assert_close(n.weight_v.grad, t.weight_v.grad, atol=1e-5)
    raises_like(lambda: nt.nn.utils.weight_norm(n), lambda: torch.nn.utils.weight_norm(t))
    nt.nn.utils.remove_weight_norm(n)
    torch.nn.utils.remove_weight_norm(t)
    assert list(n.state_dict()) == list(t.state_dict())
    assert_close(n.weight, t.weight, atol=1e-6)
    raises_like(lambda: nt.nn.utils.remove_weight_norm(n),
                lambda: torch.nn.utils.remove_weight_norm(t))


# ---- spectral norm -----------------------------------------------------------------------
def test_spectral_norm_hook_same_seed_same_values():
    n, t = twin(conv)
    for lib, m in ((nt, n), (torch, t)):
        lib.manual_seed(7)
        lib.nn.utils.spectral_norm(m)
    assert list(n.state_dict()) == list(t.state_dict())
    assert_close(n.weight_u, t.weight_u, atol=1e-6)
    assert_close(n.weight_v, t.weight_v, atol=1e-6)
    xn, xt = inputs(2, 2, 5, 5)
    for _ in range(3):
        assert_close(n(xn), t(xt), atol=1e-5)
    assert_close(n.weight_u, t.weight_u, atol=1e-5)
    n(xn).sum().backward()
    t(xt).sum().backward()
    assert_close(n.weight_orig.grad, t.weight_orig.grad, atol=1e-4)
    n.eval()
    t.eval()
    assert_close(n(xn), t(xt), atol=1e-5)
    nt.nn.utils.remove_spectral_norm(n)
    torch.nn.utils.remove_spectral_norm(t)
    assert list(n.state_dict()) == list(t.state_dict())
    assert_close(n.weight, t.weight, atol=1e-5)


def test_parametrizations_spectral_norm_same_seed():
    n, t = twin(linear)
    for lib, m in ((nt, n), (torch, t)):
        lib.manual_seed(3)
        lib.nn.utils.parametrizations.spectral_norm(m)
    assert list(n.state_dict()) == list(t.state_dict())
    sd_t = t.state_dict()
    for k, v in n.state_dict().items():
        assert_close(v, sd_t[k], atol=1e-5, msg=k)
    xn, xt = inputs(5, 4)
    assert_close(n(xn), t(xt), atol=1e-5)


# ---- prune -------------------------------------------------------------------------------
def lenet(lib):
    nn, F = lib.nn, lib.nn.functional

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.conv2 = nn.Conv2d(6, 16, 3)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, int(x.nelement() / x.shape[0]))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)
    return LeNet()


def same_named(got, want, atol=0.0):
    got, want = list(got), list(want)
    assert [k for k, _ in got] == [k for k, _ in want]
    for (k, g), (_, w) in zip(got, want):
        assert_close(g, w, atol=atol, msg=k)


def test_pruning_tutorial_steps():
    n, t = twin(lenet)
    mods = ((nt, n), (torch, t))
    for lib, m in mods:
        lib.manual_seed(42)
        lib.nn.utils.prune.random_unstructured(m.conv1, name="weight", amount=0.3)
    same_named(n.conv1.named_buffers(), t.conv1.named_buffers())
    same_named(n.conv1.named_parameters(), t.conv1.named_parameters())
    assert_close(n.conv1.weight, t.conv1.weight)
    assert len(n.conv1._forward_pre_hooks) == 1
    assert type(list(n.conv1._forward_pre_hooks.values())[0]).__name__ == "RandomUnstructured"
    for lib, m in mods:
        lib.nn.utils.prune.l1_unstructured(m.conv1, name="bias", amount=3)
    same_named(n.conv1.named_buffers(), t.conv1.named_buffers())
    assert list(n.conv1.state_dict()) == list(t.conv1.state_dict())
    for lib, m in mods:
        lib.nn.utils.prune.ln_structured(m.conv1, name="weight", amount=0.5, n=2, dim=0)
    same_named(n.conv1.named_buffers(), t.conv1.named_buffers())
    hook = [h for h in n.conv1._forward_pre_hooks.values() if h._tensor_name == "weight"][0]
    assert [type(h).__name__ for h in hook] == ["RandomUnstructured", "LnStructured"]
    xn, xt = inputs(2, 1, 28, 28)
    assert_close(n(xn), t(xt), atol=1e-5)
    n(xn).sum().backward()
    t(xt).sum().backward()
    assert_close(n.conv1.weight_orig.grad, t.conv1.weight_orig.grad, atol=1e-5)
    assert nt.nn.utils.prune.is_pruned(n)
    for lib, m in mods:
        lib.nn.utils.prune.remove(m.conv1, "weight")
    same_named(n.conv1.named_parameters(), t.conv1.named_parameters())
    same_named(n.conv1.named_buffers(), t.conv1.named_buffers())
    raises_like(lambda: nt.nn.utils.prune.remove(n.conv1, "weight"),
                lambda: torch.nn.utils.prune.remove(t.conv1, "weight"))


def test_global_unstructured_and_sparsity():
    n, t = twin(lenet)
    for lib, m in ((nt, n), (torch, t)):
        params = ((m.conv1, "weight"), (m.conv2, "weight"), (m.fc1, "weight"),
                  (m.fc2, "weight"), (m.fc3, "weight"))
        lib.nn.utils.prune.global_unstructured(
            params, pruning_method=lib.nn.utils.prune.L1Unstructured, amount=0.2)
    total = 0
    for name in ("conv1", "conv2", "fc1", "fc2", "fc3"):
        wn, wt = getattr(n, name).weight, getattr(t, name).weight
        assert_close(getattr(n, name).weight_mask, getattr(t, name).weight_mask, msg=name)
        assert float((wn == 0).sum()) == float((wt == 0).sum())
        total += float((wn == 0).sum())
    assert total == float(sum((getattr(t, k).weight == 0).sum()
                              for k in ("conv1", "conv2", "fc1", "fc2", "fc3")))
    assert list(n.state_dict()) == list(t.state_dict())


def test_random_structured_and_custom_mask_and_identity():
    n, t = twin(conv)
    for lib, m in ((nt, n), (torch, t)):
        lib.manual_seed(5)
        lib.nn.utils.prune.random_structured(m, "weight", amount=1, dim=1)
        lib.nn.utils.prune.custom_from_mask(m, "bias", mask=lib.tensor([1.0, 0.0, 1.0]))
        lib.nn.utils.prune.identity(m, "weight")
    same_named(n.named_buffers(), t.named_buffers())
    same_named(n.named_parameters(), t.named_parameters())
    assert [type(h).__name__ for h in n._forward_pre_hooks.values()] == \
        [type(h).__name__ for h in t._forward_pre_hooks.values()]
    xn, xt = inputs(1, 2, 4, 4)
    assert_close(n(xn), t(xt), atol=1e-5)


def test_prune_errors():
    n, t = twin(linear)
    P, Q = nt.nn.utils.prune, torch.nn.utils.prune
    raises_like(lambda: P.l1_unstructured(n, "weight", amount=-1),
                lambda: Q.l1_unstructured(t, "weight", amount=-1))
    raises_like(lambda: P.l1_unstructured(n, "weight", amount=1.5),
                lambda: Q.l1_unstructured(t, "weight", amount=1.5))
    raises_like(lambda: P.l1_unstructured(n, "weight", amount="x"),
                lambda: Q.l1_unstructured(t, "weight", amount="x"))
    raises_like(lambda: P.l1_unstructured(n, "weight", amount=100),
                lambda: Q.l1_unstructured(t, "weight", amount=100))
    raises_like(lambda: P.ln_structured(n, "bias", amount=1, n=2, dim=0),
                lambda: Q.ln_structured(t, "bias", amount=1, n=2, dim=0))
    with pytest.raises(TypeError) as want:
        Q.global_unstructured([(t, "weight")], pruning_method=Q.RandomStructured, amount=1)
    with pytest.raises(TypeError) as got:
        P.global_unstructured([(n, "weight")], pruning_method=P.RandomStructured, amount=1)
    assert str(got.value).replace("numtensor", "torch") == str(want.value)
    # failed pruning leaves the module as it was
    assert [k for k, _ in n.named_parameters()] == ["weight", "bias"]
    assert not P.is_pruned(n)
    # prune() on a bare tensor
    wn, wt = inputs(3, 4)
    assert_close(P.L1Unstructured(amount=0.5).prune(wn), Q.L1Unstructured(amount=0.5).prune(wt))


def test_spectral_norm_version_is_saved_in_the_state_dict_metadata():
    """A state_dict hook writes into the module's own _metadata entry, as in PyTorch."""
    ours = nt.nn.utils.spectral_norm(nt.nn.Linear(3, 2)).state_dict()._metadata
    theirs = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 2)).state_dict()._metadata
    assert dict(ours) == dict(theirs)
