"""Adamax, NAdam, RAdam and the schedulers LinearLR, ConstantLR, PolynomialLR,
SequentialLR, ChainedScheduler, CosineAnnealingWarmRestarts, CyclicLR and OneCycleLR
against torch.optim: updates on the same gradients, rate (and momentum) sequences,
state_dict round trips, reprs, signatures and argument errors."""
import copy
import inspect
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, raises_like, randn, torch
from test_optim import _assert_params_close, _params, _set_grads

OPTIMIZERS = ["Adamax", "NAdam", "RAdam"]
LR_SCHEDULERS = ["LinearLR", "ConstantLR", "SequentialLR", "ChainedScheduler", "OneCycleLR",
                 "CosineAnnealingWarmRestarts", "PolynomialLR", "CyclicLR"]


# ---- signatures ---------------------------------------------------------------------------------
def _signature(obj):
    return [(p.name, p.kind, p.default) for p in inspect.signature(obj).parameters.values()]


@pytest.mark.parametrize("name", OPTIMIZERS + [f"lr_scheduler.{n}" for n in LR_SCHEDULERS])
def test_signature_is_torchs(name):
    mine, theirs = nt.optim, torch.optim
    for part in name.split("."):
        mine, theirs = getattr(mine, part), getattr(theirs, part)
    assert _signature(mine) == _signature(theirs)
    assert mine.__doc__
    exported = nt.optim.__all__ if "." not in name else dir(nt.optim.lr_scheduler)
    assert name.split(".")[-1] in exported


# ---- optimizers ---------------------------------------------------------------------------------
# (name, options for the whole optimizer, options of the second parameter group)
CONFIGS = [
    ("Adamax", dict(), dict(lr=0.01, weight_decay=0.1)),
    ("Adamax", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
     dict(maximize=True)),
    ("NAdam", dict(), dict(lr=0.01, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
     dict(maximize=True, betas=(0.5, 0.9))),
    ("RAdam", dict(), dict(lr=0.01, weight_decay=0.1)),  # rectified from step 6 on
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True,
                   betas=(0.9, 0.99)), dict(maximize=True, weight_decay=0)),
]


def _grouped(params, group2):
    return [{"params": params[:2]}, {"params": params[2:], **group2}]


def _make_optimizer(lib, name, options, group2, params):
    return getattr(lib.optim, name)(_grouped(params, group2), **options)


def _assert_state_dicts_match(sd_n, sd_t):
    assert [list(g) for g in sd_n["param_groups"]] == [list(g) for g in sd_t["param_groups"]]
    assert sd_n["param_groups"] == sd_t["param_groups"]
    assert sorted(sd_n["state"]) == sorted(sd_t["state"])
    for key, state in sd_t["state"].items():
        assert list(sd_n["state"][key]) == list(state)
        for k, v in state.items():
            np.testing.assert_allclose(arr(sd_n["state"][key][k]), arr(v), rtol=2e-5, atol=1e-6,
                                       err_msg=f"state {key} {k}")


@pytest.mark.parametrize("name,options,group2", CONFIGS,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CONFIGS)])
def test_updates_match_torch_on_the_same_gradients(name, options, group2):
    p_n, p_t = _params(nt), _params(torch)
    opt_n = _make_optimizer(nt, name, options, group2, p_n)
    opt_t = _make_optimizer(torch, name, options, group2, p_t)
    for step in range(8):
        _set_grads(p_n, nt, step)
        _set_grads(p_t, torch, step)
        assert opt_n.step() is None
        opt_t.step()
        _assert_params_close(p_n, p_t, step)
    _assert_state_dicts_match(opt_n.state_dict(), opt_t.state_dict())
    assert repr(opt_n) == repr(opt_t)


@pytest.mark.parametrize("name,options,group2", CONFIGS[1::2],
                         ids=[n for n, _, _ in CONFIGS[1::2]])
def test_state_dict_resume_gives_the_same_trajectory(name, options, group2):
    p_a, p_b = _params(nt), _params(nt)
    opt_a = _make_optimizer(nt, name, options, group2, p_a)
    opt_b = _make_optimizer(nt, name, options, group2, p_b)
    for step in range(4):
        for params, opt in ((p_a, opt_a), (p_b, opt_b)):
            _set_grads(params, nt, step)
            opt.step()
    saved = copy.deepcopy(opt_b.state_dict())
    p_c = [p.detach().clone().requires_grad_() for p in p_b]
    opt_c = getattr(nt.optim, name)(_grouped(p_c, {}), lr=123.0)
    opt_c.load_state_dict(saved)
    assert opt_c.param_groups[1] == {**opt_a.param_groups[1], "params": p_c[2:]}
    for step in range(4, 8):
        for params, opt in ((p_a, opt_a), (p_c, opt_c)):
            _set_grads(params, nt, step)
            opt.step()
    for a, c in zip(p_a, p_c):
        np.testing.assert_array_equal(arr(a), arr(c))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_complex_parameters_step_as_their_real_views(name):
    rng = np.random.default_rng(5)
    start = (randn(3, 2, seed=1) + 1j * randn(3, 2, seed=2)).astype(np.complex64)
    p_n = [nt.tensor(start.copy(), requires_grad=True)]
    p_t = [torch.tensor(start.copy(), requires_grad=True)]
    opt_n = getattr(nt.optim, name)(p_n, lr=0.05, weight_decay=0.1, betas=(0.8, 0.9))
    opt_t = getattr(torch.optim, name)(p_t, lr=0.05, weight_decay=0.1, betas=(0.8, 0.9))
    for step in range(8):
        grad = (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))).astype(
            np.complex64)
        p_n[0].grad, p_t[0].grad = nt.tensor(grad.copy()), torch.tensor(grad.copy())
        opt_n.step()
        opt_t.step()
        _assert_params_close(p_n, p_t, step)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_foreach_changes_nothing_and_closure_is_called(name):
    p_n, p_t = _params(nt), _params(torch)
    opt_n = getattr(nt.optim, name)(p_n, lr=0.1, foreach=True)
    opt_t = getattr(torch.optim, name)(p_t, lr=0.1, foreach=True)
    for step in range(3):
        _set_grads(p_n, nt, step)
        _set_grads(p_t, torch, step)
        assert opt_n.step(lambda: 7.0) == 7.0
        opt_t.step()
        _assert_params_close(p_n, p_t, step)


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("flag", ["capturable", "differentiable"])
def test_flags_numtensor_cannot_honour_raise(name, flag):
    with pytest.raises(NotImplementedError, match=f"{flag}=True is not supported"):
        getattr(nt.optim, name)([nt.ones(1, requires_grad=True)], **{flag: True})
    getattr(nt.optim, name)([nt.ones(1, requires_grad=True)], **{flag: False})


BAD_ARGS = [(name, options) for name in OPTIMIZERS for options in (
    dict(lr=-1), dict(eps=-1), dict(betas=(1.0, 0.9)), dict(betas=(0.9, -0.1)),
    dict(weight_decay=-1), dict(foo=1), dict(amsgrad=True))] + [
    ("NAdam", dict(momentum_decay=-0.5)), ("Adamax", dict(decoupled_weight_decay=True)),
    ("RAdam", dict(momentum_decay=0.1)), ("NAdam", dict(fused=True))]


@pytest.mark.parametrize("name,options", BAD_ARGS, ids=repr)
def test_argument_errors_match_torch(name, options):
    raises_like(lambda: getattr(nt.optim, name)([nt.ones(1, requires_grad=True)], **options),
                lambda: getattr(torch.optim, name)([torch.ones(1, requires_grad=True)],
                                                   **options))


def test_tensor_lr_must_have_one_element():
    for name in OPTIMIZERS:
        raises_like(lambda: getattr(nt.optim, name)([nt.ones(1, requires_grad=True)],
                                                    lr=nt.tensor([0.1, 0.2])),
                    lambda: getattr(torch.optim, name)([torch.ones(1, requires_grad=True)],
                                                       lr=torch.tensor([0.1, 0.2])))


# ---- schedulers ---------------------------------------------------------------------------------
def _optimizer(lib, kind="SGD"):
    """An optimizer of two groups, with rates 0.1 and 0.5."""
    groups = [{"params": [lib.zeros(1, requires_grad=True)]},
              {"params": [lib.zeros(1, requires_grad=True)], "lr": 0.5}]
    momentum = {"momentum": 0.9} if kind == "SGD" else {}
    return getattr(lib.optim, kind)(groups, lr=0.1, **momentum)


def _sequential(lib, opt):
    S = lib.optim.lr_scheduler
    return S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.1, total_iters=4),
                                S.ExponentialLR(opt, gamma=0.9),
                                S.CosineAnnealingLR(opt, T_max=6, eta_min=0.01)],
                          milestones=[5, 15])


def _chained(lib, opt):
    S = lib.optim.lr_scheduler
    return S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=4),
                               S.ExponentialLR(opt, gamma=0.9),
                               S.PolynomialLR(opt, total_iters=20, power=0.5)], optimizer=opt)


class _HalfEveryCycle:
    """A callable scale_fn (its attributes are saved by CyclicLR.state_dict)."""

    def __init__(self):
        self.base = 0.5

    def __call__(self, x):
        return self.base ** x


# (id, optimizer kind, lib -> optimizer -> scheduler)
SCHEDULERS = [
    ("LinearLR", "SGD", lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt)),
    ("LinearLR-options", "SGD", lambda lib, opt: lib.optim.lr_scheduler.LinearLR(
        opt, start_factor=0.25, end_factor=0.75, total_iters=8)),
    ("ConstantLR", "SGD", lambda lib, opt: lib.optim.lr_scheduler.ConstantLR(opt)),
    ("ConstantLR-options", "SGD", lambda lib, opt: lib.optim.lr_scheduler.ConstantLR(
        opt, factor=0.5, total_iters=7)),
    ("PolynomialLR", "SGD", lambda lib, opt: lib.optim.lr_scheduler.PolynomialLR(opt)),
    ("PolynomialLR-options", "SGD", lambda lib, opt: lib.optim.lr_scheduler.PolynomialLR(
        opt, total_iters=20, power=2.0)),
    ("SequentialLR", "SGD", _sequential),
    ("ChainedScheduler", "SGD", _chained),
    ("ChainedScheduler-of-SequentialLR", "SGD", lambda lib, opt:
        lib.optim.lr_scheduler.ChainedScheduler(
            [_sequential(lib, opt), lib.optim.lr_scheduler.StepLR(opt, 4, gamma=0.5)])),
    ("CosineAnnealingWarmRestarts", "SGD", lambda lib, opt:
        lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=5)),
    ("CosineAnnealingWarmRestarts-Tmult", "SGD", lambda lib, opt:
        lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2,
                                                           eta_min=0.01)),
    ("OneCycleLR-cos", "SGD", lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[1.0, 2.0], total_steps=30)),
    ("OneCycleLR-linear-three-phase", "SGD", lambda lib, opt:
        lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, epochs=6, steps_per_epoch=5,
                                          pct_start=0.25, anneal_strategy="linear",
                                          three_phase=True, base_momentum=[0.8, 0.7],
                                          max_momentum=0.9, div_factor=10.0,
                                          final_div_factor=100.0)),
    ("OneCycleLR-Adam-betas", "Adam", lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=0.5, total_steps=31, three_phase=True)),
    ("OneCycleLR-no-momentum", "Adagrad", lambda lib, opt:
        lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=30,
                                          cycle_momentum=False)),
    ("CyclicLR-triangular", "SGD", lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        opt, base_lr=0.01, max_lr=[0.1, 0.3], step_size_up=4)),
    ("CyclicLR-triangular2", "SGD", lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        opt, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5,
        mode="triangular2", base_momentum=[0.7, 0.75], max_momentum=0.95)),
    ("CyclicLR-exp_range-Adam", "Adam", lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        opt, base_lr=0.001, max_lr=0.01, step_size_up=5, mode="exp_range", gamma=0.97)),
    ("CyclicLR-scale_fn-no-momentum", "Adagrad", lambda lib, opt:
        lib.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                        scale_fn=_HalfEveryCycle(), scale_mode="iterations",
                                        cycle_momentum=False)),
]


def _momentums(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]


def _run_schedule(opt, sched, steps):
    rates, momentums = [], []
    for _ in range(steps):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr())
        assert rates[-1] == [g["lr"] for g in opt.param_groups]
        momentums.append(_momentums(opt))
    return rates, momentums


def _assert_same_values(got, want, where="state"):
    """Plain data (numbers, strings, lists, dicts) equal, floats to 1e-12 relative."""
    if isinstance(want, dict):
        assert list(got) == list(want), where
        for key in want:
            _assert_same_values(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_same_values(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-15), where
    else:
        assert got == want, where


@pytest.mark.parametrize("kind,make", [s[1:] for s in SCHEDULERS], ids=[s[0] for s in SCHEDULERS])
def test_scheduler_matches_torch(kind, make):
    results = []
    for lib in (nt, torch):
        opt = _optimizer(lib, kind)
        sched = make(lib, opt)
        first = ([sched.get_last_lr()], [_momentums(opt)])
        rates, momentums = _run_schedule(opt, sched, 30)
        results.append((first[0] + rates, first[1] + momentums, sched.state_dict(),
                        {k: v for k, v in opt.param_groups[1].items() if k != "params"}))
    (rates_n, mom_n, state_n, group_n), (rates_t, mom_t, state_t, group_t) = results
    np.testing.assert_allclose(np.array(rates_n), np.array(rates_t), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.array(mom_n, dtype=float), np.array(mom_t, dtype=float),
                               rtol=1e-12, atol=1e-15)
    _assert_same_values(state_n, state_t)
    _assert_same_values(group_n, group_t, "param group")


@pytest.mark.parametrize("kind,make", [s[1:] for s in SCHEDULERS], ids=[s[0] for s in SCHEDULERS])
def test_scheduler_state_dict_round_trip(kind, make):
    opt_a = _optimizer(nt, kind)
    sched_a = make(nt, opt_a)
    _run_schedule(opt_a, sched_a, 12)
    saved_opt = copy.deepcopy(opt_a.state_dict())
    saved = copy.deepcopy(sched_a.state_dict())
    opt_b = _optimizer(nt, kind)
    sched_b = make(nt, opt_b)
    opt_b.load_state_dict(saved_opt)
    sched_b.load_state_dict(saved)
    assert sched_b.get_last_lr() == sched_a.get_last_lr()
    assert _run_schedule(opt_b, sched_b, 15) == _run_schedule(opt_a, sched_a, 15)


def test_cyclic_lr_state_dict_keeps_a_callable_scale_fn():
    for lib in (nt, torch):
        fn = _HalfEveryCycle()
        sched = lib.optim.lr_scheduler.CyclicLR(_optimizer(lib, "Adagrad"), 0.01, 0.1,
                                                scale_fn=fn, cycle_momentum=False)
        fn.base = 0.25
        state = sched.state_dict()
        assert state["_scale_fn_custom"] == {"base": 0.25} and "_scale_fn_ref" not in state
        other_fn = _HalfEveryCycle()
        other = lib.optim.lr_scheduler.CyclicLR(_optimizer(lib, "Adagrad"), 0.01, 0.1,
                                                scale_fn=other_fn, cycle_momentum=False)
        other.load_state_dict(state)
        assert other_fn.base == 0.25
        assert "_scale_fn_custom" not in state  # PyTorch's loading consumes the entry
        lam = lib.optim.lr_scheduler.CyclicLR(_optimizer(lib), 0.01, 0.1,
                                              scale_fn=lambda x: 1.0, cycle_momentum=False)
        assert lam.state_dict()["_scale_fn_custom"] is None


CLOSED_FORMS = [
    lambda lib, opt: _S(lib).LinearLR(opt, start_factor=0.2, end_factor=0.9, total_iters=6),
    lambda lib, opt: _S(lib).ConstantLR(opt, factor=0.4, total_iters=4),
    lambda lib, opt: _S(lib).PolynomialLR(opt, total_iters=8, power=1.5),
    lambda lib, opt: _S(lib).SequentialLR(opt, [_S(lib).ExponentialLR(opt, 0.8),
                                                _S(lib).LinearLR(opt, 0.5, total_iters=3),
                                                _S(lib).ConstantLR(opt, 0.3, 2)], [4, 9]),
]


@pytest.mark.parametrize("make", CLOSED_FORMS, ids=["LinearLR", "ConstantLR", "PolynomialLR",
                                                     "SequentialLR-milestones"])
def test_step_with_epoch_uses_the_closed_form(make):
    results = []
    for lib in (nt, torch):
        opt = _optimizer(lib)
        sched = make(lib, opt)
        seen = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for epoch in [3, 1, 7, 0, 12, 5, 6, 2]:
                opt.step()
                if isinstance(sched, lib.optim.lr_scheduler.SequentialLR):
                    sched.step()  # its own step has no epoch: milestones use closed forms
                else:
                    sched.step(epoch)
                seen.append(sched.get_last_lr())
        results.append((seen, [str(w.message) for w in caught]))
    np.testing.assert_allclose(np.array(results[0][0]), np.array(results[1][0]), rtol=1e-12)
    assert results[0][1] == results[1][1]


def _warm_restart_rates(lib, epochs, T_mult):
    opt = _optimizer(lib)
    sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=T_mult,
                                                               eta_min=0.001)
    seen = []
    for epoch in epochs:
        opt.step()
        sched.step(epoch)
        seen.append(sched.get_last_lr() + [sched.T_cur, sched.T_i, sched.last_epoch])
    return seen


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_step_with_fractional_epochs(T_mult):
    batches = 5  # PyTorch's documented use: step(epoch + i / iters) every batch
    epochs = [e + i / batches for e in range(12) for i in range(batches)]
    epochs += [3, 0.5, 17.25, 1]  # and jumping about
    got, want = (_warm_restart_rates(lib, epochs, T_mult) for lib in (nt, torch))
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-12, atol=1e-15)


def test_sequential_and_chained_keep_torchs_state_layout():
    for make in (_sequential, _chained):
        states = []
        for lib in (nt, torch):
            opt = _optimizer(lib)
            sched = make(lib, opt)
            _run_schedule(opt, sched, 3)
            state = sched.state_dict()
            states.append(state)
            assert isinstance(state["_schedulers"], list) and "optimizer" not in state
        _assert_same_values(*states)


def test_get_lr_outside_step_warns_as_torch():
    messages = []
    for lib in (nt, torch):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.LinearLR(opt)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.get_lr()
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_one_cycle_lr_refuses_steps_past_the_end():
    def run(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)
        for _ in range(4):
            opt.step()
            sched.step()
    raises_like(lambda: run(nt), lambda: run(torch))


def _scheduler_case(make, kind="SGD"):
    """(numtensor call, torch call) building a scheduler with make(lib, optimizer)."""
    return (lambda: make(nt, _optimizer(nt, kind)), lambda: make(torch, _optimizer(torch, kind)))


def _S(lib):
    return lib.optim.lr_scheduler


BAD_SCHEDULERS = [
    lambda lib, opt: _S(lib).LinearLR(opt, start_factor=0),
    lambda lib, opt: _S(lib).LinearLR(opt, start_factor=1.5),
    lambda lib, opt: _S(lib).LinearLR(opt, end_factor=-0.1),
    lambda lib, opt: _S(lib).LinearLR(opt, foo=1),
    lambda lib, opt: _S(lib).ConstantLR(opt, factor=1.5),
    lambda lib, opt: _S(lib).ConstantLR(opt, factor=-0.5),
    lambda lib, opt: _S(lib).PolynomialLR(opt, 5, 1.0, -1, 3),
    lambda lib, opt: _S(lib).PolynomialLR(object()),
    lambda lib, opt: _S(lib).CosineAnnealingWarmRestarts(opt, T_0=0),
    lambda lib, opt: _S(lib).CosineAnnealingWarmRestarts(opt, T_0=2.5),
    lambda lib, opt: _S(lib).CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0),
    lambda lib, opt: _S(lib).CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=1.5),
    lambda lib, opt: _S(lib).CosineAnnealingWarmRestarts(opt, T_0=2, eta_min="0"),
    lambda lib, opt: _S(lib).CosineAnnealingWarmRestarts(opt, T_0=2).step(-1),
    lambda lib, opt: _S(lib).CosineAnnealingWarmRestarts(opt, T_0=2, last_epoch=3),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=0),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=2.5),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, epochs=0, steps_per_epoch=2),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, epochs=2, steps_per_epoch=-1),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=9, pct_start=1.5),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=9, pct_start=1),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=9, anneal_strategy="exp"),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=[1.0], total_steps=9),
    lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=9, max_momentum=(1, 2, 3)),
    lambda lib, opt: _S(lib).OneCycleLR(3, max_lr=1.0, total_steps=9),
    lambda lib, opt: _S(lib).CyclicLR(opt, 0.01, 0.1, mode="linear"),
    lambda lib, opt: _S(lib).CyclicLR(opt, [0.01], 0.1),
    lambda lib, opt: _S(lib).CyclicLR(opt, 0.01, [0.1, 0.2, 0.3]),
    lambda lib, opt: _S(lib).CyclicLR(opt, 0.01, 0.1, base_momentum=[0.1]),
    lambda lib, opt: _S(lib).CyclicLR("opt", 0.01, 0.1),
    lambda lib, opt: _S(lib).SequentialLR(opt, [], []),
    lambda lib, opt: _S(lib).SequentialLR(opt, [_S(lib).LinearLR(opt)], [3]),
    lambda lib, opt: _S(lib).SequentialLR(opt, [3], []),
    lambda lib, opt: _S(lib).SequentialLR(opt, [_S(lib).ReduceLROnPlateau(opt)], []),
    lambda lib, opt: _S(lib).SequentialLR(opt, [_S(lib).LinearLR(_optimizer(lib))], []),
    lambda lib, opt: _S(lib).ChainedScheduler([]),
    lambda lib, opt: _S(lib).ChainedScheduler([_S(lib).LinearLR(opt), object()]),
    lambda lib, opt: _S(lib).ChainedScheduler([_S(lib).ReduceLROnPlateau(opt)]),
    lambda lib, opt: _S(lib).ChainedScheduler([_S(lib).LinearLR(opt)], _optimizer(lib)),
]


@pytest.mark.parametrize("make", BAD_SCHEDULERS, ids=range(len(BAD_SCHEDULERS)))
def test_scheduler_argument_errors_match_torch(make):
    raises_like(*_scheduler_case(make))


@pytest.mark.parametrize("kind", ["Adagrad", "RMSprop"])
def test_cycle_momentum_needs_a_momentum(kind):
    cases = [lambda lib, opt: _S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=9),
             lambda lib, opt: _S(lib).CyclicLR(opt, 0.01, 0.1)]
    for make in cases:
        if kind == "Adagrad":
            raises_like(*_scheduler_case(make, kind))
        else:  # RMSprop has a momentum to cycle
            for call in _scheduler_case(make, kind):
                call()


def test_resuming_needs_initial_lr():
    for lib in (nt, torch):
        opt = _optimizer(lib)
        with pytest.raises(KeyError, match="initial_lr"):
            lib.optim.lr_scheduler.PolynomialLR(opt, last_epoch=3)
