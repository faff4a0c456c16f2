"""Optimizers and schedulers against torch.optim: the same parameters and gradients give
the same updates over several steps; groups, state_dict, closures, errors, reprs."""
import copy
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, copy_weights, raises_like, randn, torch

SHAPES = [(4, 3), (3,), (2, 2, 2)]

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, weight_decay=0.1, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.05)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, decoupled_weight_decay=True, weight_decay=0.1)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.02, weight_decay=0.1, amsgrad=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.001, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=0.001, momentum=0.5, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.001, momentum=0.5, centered=True, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.02, initial_accumulator_value=0.1)),
    ("Adagrad", dict(lr=0.1, eps=1e-6, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.05)),
    ("Adadelta", dict(lr=0.1, maximize=True)),
]


def _params(lib, seed=0):
    return [lib.tensor(randn(*s, seed=seed + i), requires_grad=True) for i, s in enumerate(SHAPES)]


def _set_grads(params, lib, step):
    for i, p in enumerate(params):
        if i == 1 and step == 2:
            p.grad = None  # a parameter without a gradient this step is skipped
        else:
            p.grad = lib.tensor(randn(*p.shape, seed=100 * step + i))


def _assert_params_close(got, want, step):
    for i, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(arr(g), arr(w), rtol=2e-5, atol=2e-6,
                                   err_msg=f"parameter {i} after step {step}")


@pytest.mark.parametrize("name,options", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in
                                                      enumerate(CONFIGS)])
def test_updates_match_torch_on_the_same_gradients(name, options):
    p_n, p_t = _params(nt), _params(torch)
    opt_n = getattr(nt.optim, name)(p_n, **options)
    opt_t = getattr(torch.optim, name)(p_t, **options)
    ids = [id(p) for p in p_n]
    for step in range(6):
        _set_grads(p_n, nt, step)
        _set_grads(p_t, torch, step)
        assert opt_n.step() is None
        opt_t.step()
        _assert_params_close(p_n, p_t, step)
    assert [id(p) for p in opt_n.param_groups[0]["params"]] == ids  # updated in place
    sd_n, sd_t = opt_n.state_dict(), opt_t.state_dict()
    assert list(sd_n["param_groups"][0]) == list(sd_t["param_groups"][0])
    assert sd_n["param_groups"] == sd_t["param_groups"]
    assert sorted(sd_n["state"]) == sorted(sd_t["state"])
    for key, state in sd_t["state"].items():
        assert sorted(sd_n["state"][key]) == sorted(state)
        for k, v in state.items():
            np.testing.assert_allclose(arr(sd_n["state"][key][k]), arr(v), rtol=2e-5, atol=1e-6)
    assert repr(opt_n) == repr(opt_t)


@pytest.mark.parametrize("name,options", CONFIGS[::3])
def test_state_dict_resume_gives_the_same_trajectory(name, options):
    p_a, p_b = _params(nt), _params(nt)
    opt_a = getattr(nt.optim, name)(p_a, **options)
    opt_b = getattr(nt.optim, name)(p_b, **options)
    for step in range(3):
        for params, opt in ((p_a, opt_a), (p_b, opt_b)):
            _set_grads(params, nt, step)
            opt.step()
    saved = copy.deepcopy(opt_b.state_dict())
    p_c = [p.detach().clone().requires_grad_() for p in p_b]
    opt_c = getattr(nt.optim, name)(p_c, lr=123.0)
    opt_c.load_state_dict(saved)
    assert opt_c.param_groups[0]["lr"] == opt_a.param_groups[0]["lr"]
    for step in range(3, 6):
        for params, opt in ((p_a, opt_a), (p_c, opt_c)):
            _set_grads(params, nt, step)
            opt.step()
    for a, c in zip(p_a, p_c):
        np.testing.assert_array_equal(arr(a), arr(c))


def test_load_state_dict_from_torch_optimizer_structure():
    p_t = _params(torch)
    opt_t = torch.optim.Adam(p_t, lr=0.01)
    for step in range(2):
        _set_grads(p_t, torch, step)
        opt_t.step()
    sd = opt_t.state_dict()
    converted = {"state": {k: {n: nt.tensor(arr(v)) for n, v in s.items()}
                           for k, s in sd["state"].items()},
                 "param_groups": sd["param_groups"]}
    p_n = [nt.tensor(arr(p), requires_grad=True) for p in p_t]
    opt_n = nt.optim.Adam(p_n, lr=0.5)
    opt_n.load_state_dict(converted)
    for step in range(2, 4):
        _set_grads(p_n, nt, step)
        _set_grads(p_t, torch, step)
        opt_n.step()
        opt_t.step()
        _assert_params_close(p_n, p_t, step)


def test_training_loop_matches_torch():
    torch.manual_seed(0)

    def make(lib):
        return lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.Tanh(), lib.nn.Linear(8, 3))
    m_t, m_n = make(torch), make(nt)
    copy_weights(m_n, m_t)
    x, y = randn(16, 5), np.random.default_rng(1).integers(0, 3, 16)
    opts = [(nt.optim.SGD(m_n.parameters(), lr=0.1, momentum=0.9),
             torch.optim.SGD(m_t.parameters(), lr=0.1, momentum=0.9))]
    for step in range(5):
        losses = []
        for lib, m, opt in ((nt, m_n, opts[0][0]), (torch, m_t, opts[0][1])):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(m(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert losses[0] == pytest.approx(losses[1], rel=1e-5)
    for (name, a), b in zip(m_n.named_parameters(), m_t.parameters()):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-4, atol=1e-5, err_msg=name)


# ---- groups, zero_grad, closure ----------------------------------------------------------------
def test_param_groups_with_their_own_options():
    for lib in (nt, torch):
        w, b = lib.ones(2, requires_grad=True), lib.ones(1, requires_grad=True)
        opt = lib.optim.SGD([{"params": w, "weight_decay": 0.5}, {"params": [b], "lr": 1.0}],
                            lr=0.1)
        w.grad, b.grad = lib.ones(2), lib.ones(1)
        opt.step()
        assert arr(w).tolist() == pytest.approx([1 - 0.1 * 1.5] * 2)
        assert arr(b).tolist() == pytest.approx([0.0])
        assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["weight_decay"] == 0
    opt = nt.optim.Adam([nt.ones(1, requires_grad=True)])
    extra = nt.ones(2, requires_grad=True)
    opt.add_param_group({"params": extra, "lr": 0.5})
    assert opt.param_groups[1]["params"] == [extra] and opt.param_groups[1]["betas"] == (0.9,
                                                                                        0.999)


def test_named_parameters_are_accepted():
    m = nt.nn.Linear(2, 1)
    opt = nt.optim.SGD(m.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.param_groups[0]["params"] == [m.weight, m.bias]


def test_zero_grad():
    p = nt.ones(2, requires_grad=True)
    opt = nt.optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_step_with_closure():
    w = nt.tensor([3.0], requires_grad=True)
    opt = nt.optim.SGD([w], lr=0.25)
    calls = []

    def closure():
        opt.zero_grad()
        assert nt.is_grad_enabled()
        loss = (w ** 2).sum()
        loss.backward()
        calls.append(loss.item())
        return loss
    with nt.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0 and calls == [9.0] and w.item() == 1.5


# ---- errors -------------------------------------------------------------------------------------
BAD_ARGS = [("SGD", dict(lr=-1)), ("SGD", dict(momentum=-1)), ("SGD", dict(weight_decay=-1)),
            ("SGD", dict(nesterov=True)), ("SGD", dict(nesterov=True, momentum=0.9,
                                                       dampening=0.1)),
            ("Adam", dict(lr=-1)), ("Adam", dict(eps=-1)), ("Adam", dict(betas=(1.0, 0.9))),
            ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-1)),
            ("AdamW", dict(betas=(0.9, 1.0))),
            ("RMSprop", dict(lr=-1)), ("RMSprop", dict(eps=-1)), ("RMSprop", dict(alpha=-1)),
            ("RMSprop", dict(momentum=-1)), ("RMSprop", dict(weight_decay=-1)),
            ("Adagrad", dict(lr=-1)), ("Adagrad", dict(eps=-1)), ("Adagrad", dict(lr_decay=-1)),
            ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(weight_decay=-1)),
            ("Adadelta", dict(lr=-1)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1)),
            ("Adadelta", dict(weight_decay=-1)), ("Adadelta", dict(foo=1)),
            ("SGD", dict(foo=1))]


@pytest.mark.parametrize("name,options", BAD_ARGS)
def test_argument_errors_match_torch(name, options):
    raises_like(lambda: getattr(nt.optim, name)([nt.ones(1, requires_grad=True)], **options),
                lambda: getattr(torch.optim, name)([torch.ones(1, requires_grad=True)],
                                                   **options))


def test_parameter_list_errors_match_torch():
    cases = [lambda lib: [], lambda lib: lib.zeros(2),
             lambda lib: [lib.zeros(2, requires_grad=True) * 2], lambda lib: [1],
             lambda lib: [{"params": {lib.zeros(1, requires_grad=True)}}]]
    for case in cases:
        raises_like(lambda: nt.optim.SGD(case(nt), lr=0.1),
                    lambda: torch.optim.SGD(case(torch), lr=0.1))
    w = nt.zeros(1, requires_grad=True)
    wt = torch.zeros(1, requires_grad=True)
    raises_like(lambda: nt.optim.SGD([{"params": w}, {"params": [w]}], lr=0.1),
                lambda: torch.optim.SGD([{"params": wt}, {"params": [wt]}], lr=0.1))
    with pytest.warns(UserWarning, match="duplicate parameters"):
        nt.optim.SGD([w, w], lr=0.1)


def test_load_state_dict_errors_match_torch():
    def case(lib, sd):
        w = lib.zeros(1, requires_grad=True)
        return lib.optim.SGD([{"params": w}], lr=0.1).load_state_dict(sd)
    for sd in ({"state": {}, "param_groups": []},
               {"state": {}, "param_groups": [{"params": [0, 1], "lr": 0.1}]}):
        raises_like(lambda: case(nt, sd), lambda: case(torch, sd))


# ---- schedulers ---------------------------------------------------------------------------------
SCHEDULERS = [
    ("StepLR", dict(step_size=3)),
    ("StepLR", dict(step_size=2, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=5)),
    ("CosineAnnealingLR", dict(T_max=4, eta_min=0.01)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.95 ** epoch + 0.1 * (epoch % 3))),
]


@pytest.mark.parametrize("name,options", SCHEDULERS)
def test_scheduler_matches_torch(name, options):
    rates = []
    for lib in (nt, torch):
        opt = lib.optim.SGD([{"params": [lib.zeros(1, requires_grad=True)]},
                             {"params": [lib.zeros(1, requires_grad=True)], "lr": 0.5}], lr=0.1)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **options)
        seen = [sched.get_last_lr()]
        for _ in range(14):
            opt.step()
            sched.step()
            seen.append(sched.get_last_lr())
            assert seen[-1] == [g["lr"] for g in opt.param_groups]
        rates.append(seen)
        assert opt.param_groups[0]["initial_lr"] == 0.1
    np.testing.assert_allclose(np.array(rates[0]), np.array(rates[1]), rtol=1e-12, atol=1e-15)


def test_scheduler_warns_when_stepped_before_the_optimizer():
    messages = []
    for lib in (nt, torch):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.step()
            opt.step()
            sched.step()
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = nt.optim.SGD([nt.zeros(1, requires_grad=True)], lr=1.0)
        sched = nt.optim.lr_scheduler.StepLR(opt, step_size=2)
        opt.step()
        sched.step()


def test_scheduler_state_dict_and_resume():
    opt = nt.optim.SGD([nt.zeros(1, requires_grad=True)], lr=1.0)
    sched = nt.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    state = sched.state_dict()
    t_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    t_sched = torch.optim.lr_scheduler.StepLR(t_opt, step_size=2, gamma=0.5)
    for _ in range(3):
        t_opt.step()
        t_sched.step()
    assert sorted(k for k in state if not k.startswith("_")) == \
        sorted(k for k in t_sched.state_dict() if not k.startswith("_"))
    other = nt.optim.lr_scheduler.StepLR(nt.optim.SGD([nt.zeros(1, requires_grad=True)], lr=1.0),
                                         step_size=7)
    other.load_state_dict(state)
    assert other.step_size == 2 and other.last_epoch == 3
    with pytest.raises(KeyError, match="initial_lr"):
        nt.optim.lr_scheduler.StepLR(nt.optim.SGD([nt.zeros(1, requires_grad=True)]), 2,
                                     last_epoch=4)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        nt.optim.lr_scheduler.StepLR(object(), 2)


def test_scheduler_step_with_epoch_uses_closed_form():
    for lib in (nt, torch):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.step(7)
        assert any("epoch parameter" in str(w.message) for w in caught)
        assert sched.get_last_lr()[0] == pytest.approx(0.5 * (1 + np.cos(np.pi * 0.7)))


# ---- nn.utils gradient clipping ---------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1.0, "inf", 3])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    results = []
    for lib in (nt, torch):
        params = _params(lib)
        _set_grads(params, lib, 0)
        params.append(lib.zeros(2, requires_grad=True))  # no gradient: ignored
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        results.append([arr(total)] + [arr(p.grad) for p in params[:3]])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_clip_grad_value_and_errors():
    for lib in (nt, torch):
        p = lib.tensor([1.0, 2.0], requires_grad=True)
        p.grad = lib.tensor([-3.0, 0.5])
        lib.nn.utils.clip_grad_value_(p, 1.0)
        assert p.grad.tolist() == [-1.0, 0.5]
        assert lib.nn.utils.clip_grad_norm_([], 1.0).item() == 0.0
        v = lib.nn.utils.parameters_to_vector([p, lib.ones(2, 2)])
        assert v.tolist() == [1.0, 2.0, 1.0, 1.0, 1.0, 1.0]

    def nonfinite(lib):
        p = lib.ones(3, requires_grad=True)
        p.grad = lib.tensor([float("inf"), 1.0, 0.0])
        lib.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    raises_like(lambda: nonfinite(nt), lambda: nonfinite(torch))
    target = [nt.zeros(2), nt.zeros(1)]
    nt.nn.utils.vector_to_parameters(nt.tensor([1.0, 2.0, 3.0]), target)
    assert target[0].tolist() == [1.0, 2.0] and target[1].tolist() == [3.0]


PLATEAU_METRICS = [1.0, 0.9, 0.9, 0.95, 0.9, 0.91, 0.92, 0.5, 0.5, 0.5, 0.5, 0.4999, 0.5, 0.6,
                   0.6, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]


@pytest.mark.parametrize("options", [
    dict(), dict(patience=1), dict(mode="max", patience=2, factor=0.5),
    dict(patience=0, threshold=0.05, threshold_mode="abs", cooldown=2),
    dict(patience=1, min_lr=[0.02, 0.3], factor=0.2), dict(patience=0, eps=0.06),
    dict(mode="max", threshold_mode="abs", threshold=0.0, patience=1, min_lr=0.01),
], ids=repr)
def test_reduce_lr_on_plateau_matches_torch(options):
    rates, states = [], []
    for lib in (nt, torch):
        opt = lib.optim.SGD([{"params": [lib.zeros(1, requires_grad=True)]},
                             {"params": [lib.zeros(1, requires_grad=True)], "lr": 0.5}], lr=0.1)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **options)
        seen = [sched.get_last_lr()]
        for i, metric in enumerate(PLATEAU_METRICS):
            opt.step()
            sched.step(lib.tensor(metric) if i % 2 else metric)  # a 0-d tensor or a number
            seen.append(sched.get_last_lr())
            assert seen[-1] == [g["lr"] for g in opt.param_groups]
        rates.append(seen)
        state = sched.state_dict()
        states.append({k: state[k] for k in ("best", "num_bad_epochs", "cooldown_counter",
                                             "last_epoch", "mode_worse", "min_lrs")})
    assert rates[0] == rates[1]
    assert states[0] == states[1]


def test_reduce_lr_on_plateau_errors_and_resume():
    for lib in (nt, torch):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        plateau = lib.optim.lr_scheduler.ReduceLROnPlateau
        with pytest.raises(ValueError, match="Factor should be < 1.0."):
            plateau(opt, factor=1.0)
        with pytest.raises(ValueError, match="mode avg is unknown!"):
            plateau(opt, mode="avg")
        with pytest.raises(ValueError, match="threshold mode x is unknown!"):
            plateau(opt, threshold_mode="x")
        with pytest.raises(ValueError, match="expected 1 min_lrs, got 2"):
            plateau(opt, min_lr=[0.0, 0.1])
        with pytest.raises(TypeError, match="int is not an Optimizer"):
            plateau(3)
        with pytest.raises(TypeError):
            plateau(opt, verbose=True)  # gone from PyTorch's signature
    opt = nt.optim.SGD([nt.zeros(1, requires_grad=True)], lr=1.0)
    sched = nt.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    for metric in (1.0, 2.0, 3.0):
        sched.step(metric)
    resumed = nt.optim.lr_scheduler.ReduceLROnPlateau(
        nt.optim.SGD([nt.zeros(1, requires_grad=True)], lr=0.01), patience=0)
    resumed.load_state_dict(sched.state_dict())
    assert (resumed.best, resumed.num_bad_epochs, resumed.last_epoch) == (1.0, 0, 3)
    assert resumed.mode_worse == float("inf")
