"""Rprop, ASGD, LBFGS and the MultiplicativeLR scheduler against torch.optim: training
from the same weights gives the same parameters and state_dict, LBFGS's iterates on the
Rosenbrock function, argument errors, signatures and state_dict round trips."""
import copy
import inspect
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, copy_weights, raises_like, randn, torch
from test_optim import _assert_params_close, _params, _set_grads
from test_optim_more import _assert_same_values

NAMES = ["Rprop", "ASGD", "LBFGS"]


# ---- signatures ---------------------------------------------------------------------------------
def _signature(obj):
    return [(p.name, p.kind, p.default) for p in inspect.signature(obj).parameters.values()]


@pytest.mark.parametrize("name", NAMES + ["lr_scheduler.MultiplicativeLR"])
def test_signature_is_torchs_and_exported(name):
    mine, theirs = nt.optim, torch.optim
    for part in name.split("."):
        mine, theirs = getattr(mine, part), getattr(theirs, part)
    assert _signature(mine) == _signature(theirs)
    assert _signature(mine.step) == _signature(theirs.step)
    assert mine.__doc__
    exported = nt.optim.__all__ if "." not in name else dir(nt.optim.lr_scheduler)
    assert name.split(".")[-1] in exported


# ---- training a small model from the same weights -----------------------------------------------
def _model(lib, dtype):
    """Linear(4, 3) and a tanh regression loss, weights and data seeded identically."""
    torch.manual_seed(0)
    reference = torch.nn.Linear(4, 3).to(getattr(torch, dtype))
    if lib is torch:
        model = reference
    else:
        model = nt.nn.Linear(4, 3, dtype=getattr(nt, dtype))
        copy_weights(model, reference)
    x = lib.tensor(randn(6, 4, seed=1).astype(dtype))
    y = lib.tensor(randn(6, 3, seed=2).astype(dtype))
    return model, (lambda: (lib.tanh(model(x)) - y).pow(2).mean())


def _train(lib, name, options, dtype, steps):
    model, loss_fn = _model(lib, dtype)
    opt = getattr(lib.optim, name)(model.parameters(), **options)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss
    trajectory = []
    for _ in range(steps):
        loss = opt.step(closure)
        trajectory.append([loss.item()] + [arr(p) for p in model.parameters()])
    return trajectory, opt


def _tolerance(dtype):
    return dict(rtol=2e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-11, atol=1e-12)


def _assert_state_close(got, want, dtype, where="state"):
    """Optimizer state (tensors, numbers, lists of them, None) equal to torch's: the same
    keys in the same order, the same types, values to the dtype's tolerance."""
    if isinstance(want, dict):
        assert list(got) == list(want), where
        for key in want:
            _assert_state_close(got[key], want[key], dtype, f"{where}[{key!r}]")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_state_close(g, w, dtype, f"{where}[{i}]")
    elif isinstance(want, torch.Tensor):
        assert isinstance(got, nt.Tensor), where
        assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape), where
        np.testing.assert_allclose(arr(got), arr(want), err_msg=where, **_tolerance(dtype))
    elif isinstance(want, float):
        assert type(got) is float, where
        assert got == pytest.approx(want, **{"rel": _tolerance(dtype)["rtol"]}), where
    else:
        assert type(got) is type(want) and got == want, where


MODEL_CONFIGS = [
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.08))),
    ("Rprop", dict(lr=0.02, maximize=True, foreach=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.1, lambd=0.01, alpha=0.5, t0=3, weight_decay=0.1)),  # averages from 4
    ("ASGD", dict(lr=0.05, t0=0, maximize=True, foreach=False)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,options", MODEL_CONFIGS,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(MODEL_CONFIGS)])
def test_training_matches_torch(name, options, dtype):
    got, opt_n = _train(nt, name, options, dtype, 8)
    want, opt_t = _train(torch, name, options, dtype, 8)
    for step, (g, w) in enumerate(zip(got, want)):
        for i, (a, b) in enumerate(zip(g, w)):
            np.testing.assert_allclose(a, b, err_msg=f"value {i} after step {step}",
                                       **_tolerance(dtype))
    sd_n, sd_t = opt_n.state_dict(), opt_t.state_dict()
    assert sd_n["param_groups"] == sd_t["param_groups"]
    _assert_state_close(sd_n["state"], sd_t["state"], dtype)
    assert repr(opt_n) == repr(opt_t)


@pytest.mark.parametrize("name,options", [
    ("Rprop", dict(lr=0.1)), ("Rprop", dict(lr=0.3, etas=(0.4, 1.1), step_sizes=(0.05, 0.5))),
    ("ASGD", dict(lr=0.1, lambd=0.05, t0=2)), ("ASGD", dict(lr=0.1, weight_decay=0.2, t0=1))])
def test_updates_on_the_same_gradients_skip_missing_ones(name, options):
    p_n, p_t = _params(nt), _params(torch)  # parameter 1 has no gradient at step 2
    opt_n = getattr(nt.optim, name)(p_n, **options)
    opt_t = getattr(torch.optim, name)(p_t, **options)
    for step in range(6):
        _set_grads(p_n, nt, step)
        _set_grads(p_t, torch, step)
        assert opt_n.step() is None
        opt_t.step()
        _assert_params_close(p_n, p_t, step)
    _assert_state_close(opt_n.state_dict()["state"], opt_t.state_dict()["state"], "float32")


@pytest.mark.parametrize("name", ["Rprop", "ASGD"])
def test_complex_parameters_step_as_their_real_views(name):
    rng = np.random.default_rng(5)
    start = (randn(3, 2, seed=1) + 1j * randn(3, 2, seed=2)).astype(np.complex64)
    p_n = [nt.tensor(start.copy(), requires_grad=True)]
    p_t = [torch.tensor(start.copy(), requires_grad=True)]
    opt_n = getattr(nt.optim, name)(p_n, lr=0.05)
    opt_t = getattr(torch.optim, name)(p_t, lr=0.05)
    for step in range(6):
        grad = (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))).astype(
            np.complex64)
        p_n[0].grad, p_t[0].grad = nt.tensor(grad.copy()), torch.tensor(grad.copy())
        opt_n.step()
        opt_t.step()
        _assert_params_close(p_n, p_t, step)
    _assert_state_close(opt_n.state_dict()["state"], opt_t.state_dict()["state"], "float32")


# ---- LBFGS --------------------------------------------------------------------------------------
def _rosenbrock_run(lib, dtype, steps, options):
    """LBFGS on the Rosenbrock function from (-1.5, 2): the point after each step, what
    each step returned and what the closure returned first in it."""
    x = lib.tensor([-1.5, 2.0], dtype=getattr(lib, dtype), requires_grad=True)
    opt = lib.optim.LBFGS([x], **options)
    returned = []

    def closure():
        opt.zero_grad()
        loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        loss.backward()
        returned.append(loss)
        return loss
    points, losses = [], []
    for _ in range(steps):
        first = len(returned)
        loss = opt.step(closure)
        assert loss is returned[first]  # the closure's first loss of the step
        losses.append(loss.item())
        points.append(arr(x))
    return np.array(points), np.array(losses), opt


# (options, dtype, steps, tolerance): numtensor's primitive operations round a few
# results differently from PyTorch's CPU kernels (add with alpha, dot: fused multiply-add
# or not), so the tolerances allow for those last-bit differences growing over the steps
LBFGS_CONFIGS = [
    (dict(line_search_fn="strong_wolfe"), "float64", 10, 1e-11),
    (dict(line_search_fn="strong_wolfe"), "float32", 10, 1e-4),
    (dict(line_search_fn="strong_wolfe", max_iter=3, history_size=2), "float64", 10, 1e-11),
    (dict(line_search_fn="strong_wolfe", max_iter=7, max_eval=9, tolerance_change=1e-3),
     "float64", 6, 1e-11),
    (dict(lr=0.1, max_iter=5, history_size=4), "float64", 10, 1e-9),
    (dict(lr=0.1, max_iter=5, history_size=4), "float32", 4, 1e-4),
    (dict(lr=0.2, max_iter=1), "float64", 6, 1e-12),
]


@pytest.mark.parametrize("options,dtype,steps,tol", LBFGS_CONFIGS,
                         ids=[f"{i}-{c[1]}" for i, c in enumerate(LBFGS_CONFIGS)])
def test_lbfgs_rosenbrock_iterates_match_torch(options, dtype, steps, tol):
    points_n, losses_n, opt_n = _rosenbrock_run(nt, dtype, steps, options)
    points_t, losses_t, opt_t = _rosenbrock_run(torch, dtype, steps, options)
    np.testing.assert_allclose(points_n, points_t, rtol=tol, atol=tol)
    np.testing.assert_allclose(losses_n, losses_t, rtol=tol * 10, atol=tol)
    sd_n, sd_t = opt_n.state_dict(), opt_t.state_dict()
    assert sd_n["param_groups"] == sd_t["param_groups"]
    state_n, state_t = sd_n["state"][0], sd_t["state"][0]
    assert list(state_n) == list(state_t)
    assert state_n["n_iter"] == state_t["n_iter"]
    evals_n, evals_t = state_n["func_evals"], state_t["func_evals"]
    if dtype == "float64":
        assert evals_n == evals_t
    else:  # a float32 last-bit difference (PyTorch's own results differ between AVX2
        # and AVX-512 cores) may tip a strong-Wolfe search into one evaluation more
        assert abs(evals_n - evals_t) <= 1, (evals_n, evals_t)
    assert [v is None for v in state_n.get("al", [])] == [v is None for v in
                                                          state_t.get("al", [])]
    for key in state_t:  # scalars are 0-d tensors where PyTorch's are
        assert _kind(state_n[key]) == _kind(state_t[key]), key
    assert repr(opt_n) == repr(opt_t)


def _kind(value):
    if isinstance(value, (nt.Tensor, torch.Tensor)):
        return "tensor", str(value.dtype)
    if isinstance(value, list):
        return [_kind(v) for v in value]
    return type(value)


@pytest.mark.parametrize("options", [
    dict(line_search_fn="strong_wolfe", max_iter=6, history_size=3),
    dict(lr=0.2, max_iter=1)], ids=["strong_wolfe", "one-iteration"])
def test_lbfgs_state_matches_torch_after_one_step(options):
    # one step and a short history, so the state holds little rounding noise
    *_, opt_n = _rosenbrock_run(nt, "float64", 1, options)
    *_, opt_t = _rosenbrock_run(torch, "float64", 1, options)
    state_n, state_t = opt_n.state_dict()["state"], opt_t.state_dict()["state"]
    keys = ["func_evals", "n_iter", "al", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
            "prev_flat_grad", "prev_loss"]
    assert list(state_t[0]) == (keys if options["max_iter"] > 1 else
                                [k for k in keys if k != "al"])
    _assert_state_close(state_n, state_t, "float64")


def _wavy(lib, x):
    return (x ** 2).sum() + (5 * x).sin().sum()


def _kinked(lib, x):
    return (x - 1).abs().sum() + 0.01 * (x ** 2).sum()


def _ripples(lib, x):
    return (x ** 2).sum() + 2 * (8 * x).cos().sum()


def _rosenbrock(lib, x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


# problems whose line searches, between them, take every branch of the strong Wolfe
# search: widening the step, running out of evaluations, zooming with steps too close
# to an end of the bracket, the old high end becoming the low one, a bracket too small
LINE_SEARCHES = [
    ("wavy", _wavy, [3.0, -2.0], dict(max_iter=10)),
    ("kinked", _kinked, [3.0, -2.0], dict(max_iter=10, max_eval=100)),
    # PyTorch's line search keeps its own tolerance_change of 1e-9
    ("kinked-tolerance", _kinked, [3.0, -2.0],
     dict(max_iter=10, max_eval=100, tolerance_change=1e-3)),
    ("ripples", _ripples, [0.5, 1.5], dict(lr=2, max_iter=10)),
    ("rosenbrock-short-steps", _rosenbrock, [-1.5, 2.0], dict(lr=0.01, max_iter=10)),
    ("rosenbrock-long-steps", _rosenbrock, [-1.5, 2.0], dict(lr=50, max_iter=10)),
    ("rosenbrock-few-evaluations", _rosenbrock, [-1.5, 2.0],
     dict(lr=1e-4, max_iter=5, max_eval=6)),
]


@pytest.mark.parametrize("fn,start,options", [c[1:] for c in LINE_SEARCHES],
                         ids=[c[0] for c in LINE_SEARCHES])
def test_lbfgs_line_search_branches_match_torch(fn, start, options):
    results = []
    for lib in (nt, torch):
        x = lib.tensor(start, dtype=lib.float64, requires_grad=True)
        opt = lib.optim.LBFGS([x], line_search_fn="strong_wolfe", **options)

        def closure():
            opt.zero_grad()
            loss = fn(lib, x)
            loss.backward()
            return loss
        points = []
        for _ in range(3):
            opt.step(closure)
            points.append(arr(x))
        state = opt.state_dict()["state"][0]
        results.append((np.array(points), state["func_evals"], state["n_iter"]))
    (points_n, *counts_n), (points_t, *counts_t) = results
    np.testing.assert_allclose(points_n, points_t, rtol=1e-10, atol=1e-10)
    assert counts_n == counts_t


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_lbfgs_trains_the_model_as_torch(line_search, dtype):
    options = dict(lr=0.5 if line_search is None else 1, max_iter=4, history_size=5,
                   line_search_fn=line_search)
    steps = 2 if dtype == "float32" else 4
    got, opt_n = _train(nt, "LBFGS", options, dtype, steps)
    want, opt_t = _train(torch, "LBFGS", options, dtype, steps)
    tol = dict(rtol=2e-4, atol=2e-5) if dtype == "float32" else dict(rtol=1e-9, atol=1e-10)
    for step, (g, w) in enumerate(zip(got, want)):
        for i, (a, b) in enumerate(zip(g, w)):
            np.testing.assert_allclose(a, b, err_msg=f"value {i} after step {step}", **tol)
    state_n, state_t = opt_n.state_dict()["state"][0], opt_t.state_dict()["state"][0]
    assert list(state_n) == list(state_t)
    assert (state_n["func_evals"], state_n["n_iter"]) == (state_t["func_evals"],
                                                          state_t["n_iter"])


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_lbfgs_complex_parameters_as_their_real_views(line_search):
    points = []
    for lib in (nt, torch):
        c = lib.tensor(np.array([1 + 2j, -0.5 + 0.3j]), requires_grad=True)
        unused = lib.zeros(2, dtype=lib.float64, requires_grad=True)
        opt = lib.optim.LBFGS([c, unused], line_search_fn=line_search)

        def closure():
            opt.zero_grad()
            loss = (((c.real - 1) ** 4).sum() + ((c.imag + 0.5) ** 2).sum() +
                    (c.real * c.imag).sum() ** 2)
            loss.backward()
            return loss
        for _ in range(4):
            opt.step(closure)
            points.append(arr(lib.view_as_real(c)))
        assert tuple(opt.state_dict()["state"][0]["d"].shape) == (6,)
    np.testing.assert_allclose(points[:4], points[4:], rtol=1e-12, atol=1e-12)


def test_lbfgs_stops_at_once_on_a_small_gradient():
    for lib in (nt, torch):
        x = lib.tensor([1.0, 1.0], requires_grad=True)
        opt = lib.optim.LBFGS([x])
        calls = []

        def closure():
            opt.zero_grad()
            loss = ((x - 1) ** 2).sum()
            loss.backward()
            calls.append(1)
            return loss
        assert opt.step(closure).item() == 0.0
        assert len(calls) == 1
        assert opt.state_dict()["state"] == {0: {"func_evals": 1, "n_iter": 0}}
        assert arr(x).tolist() == [1.0, 1.0]


def test_lbfgs_max_eval_default_and_unused_parameters():
    for lib in (nt, torch):
        a, unused = lib.ones(2, requires_grad=True), lib.zeros(3, requires_grad=True)
        opt = lib.optim.LBFGS([a, unused], max_iter=8)
        assert opt.param_groups[0]["max_eval"] == 10
        opt.step(lambda: _quadratic(opt, a))
        assert arr(unused).tolist() == [0.0, 0.0, 0.0]  # no gradient: counted as zero
        assert tuple(opt.state_dict()["state"][0]["d"].shape) == (5,)


def _quadratic(opt, a):
    opt.zero_grad()
    loss = ((a - 3) ** 2).sum()
    loss.backward()
    return loss


def test_lbfgs_argument_errors_match_torch():
    for options in (dict(lr=-1.0), dict(foo=1), dict(lr=[0.1])):
        raises_like(lambda: nt.optim.LBFGS([nt.ones(1, requires_grad=True)], **options),
                    lambda: torch.optim.LBFGS([torch.ones(1, requires_grad=True)], **options))
    raises_like(lambda: nt.optim.LBFGS([{"params": [nt.ones(1, requires_grad=True)]},
                                        {"params": [nt.ones(1, requires_grad=True)]}]),
                lambda: torch.optim.LBFGS([{"params": [torch.ones(1, requires_grad=True)]},
                                           {"params": [torch.ones(1, requires_grad=True)]}]))
    raises_like(lambda: nt.optim.LBFGS([nt.ones(1, requires_grad=True)]).step(),
                lambda: torch.optim.LBFGS([torch.ones(1, requires_grad=True)]).step())
    for lib, a in ((nt, nt.zeros(2, requires_grad=True)),
                   (torch, torch.zeros(2, requires_grad=True))):
        opt = lib.optim.LBFGS([a], line_search_fn="wolfe")
        with pytest.raises(RuntimeError, match="^only 'strong_wolfe' is supported$"):
            opt.step(lambda: _quadratic(opt, a))


# ---- argument errors and flags ------------------------------------------------------------------
BAD_ARGS = [("Rprop", dict(lr=-0.1)), ("Rprop", dict(etas=(1.0, 1.2))),
            ("Rprop", dict(etas=(0.5, 0.9))), ("Rprop", dict(etas=(0.0, 1.2))),
            ("Rprop", dict(foo=1)), ("Rprop", dict(lr=[0.1])),
            ("ASGD", dict(lr=-0.1)), ("ASGD", dict(weight_decay=-1)), ("ASGD", dict(foo=1)),
            ("ASGD", dict(amsgrad=True))]


@pytest.mark.parametrize("name,options", BAD_ARGS, ids=repr)
def test_argument_errors_match_torch(name, options):
    raises_like(lambda: getattr(nt.optim, name)([nt.ones(1, requires_grad=True)], **options),
                lambda: getattr(torch.optim, name)([torch.ones(1, requires_grad=True)],
                                                   **options))


@pytest.mark.parametrize("name", NAMES)
def test_tensor_lr_must_have_one_element(name):
    raises_like(lambda: getattr(nt.optim, name)([nt.ones(1, requires_grad=True)],
                                                lr=nt.tensor([0.1, 0.2])),
                lambda: getattr(torch.optim, name)([torch.ones(1, requires_grad=True)],
                                                   lr=torch.tensor([0.1, 0.2])))


@pytest.mark.parametrize("name", ["Rprop", "ASGD"])
def test_tensor_lr_gives_the_same_updates(name):
    p_n, p_t = _params(nt), _params(torch)
    opt_n = getattr(nt.optim, name)(p_n, lr=nt.tensor(0.1))
    opt_t = getattr(torch.optim, name)(p_t, lr=torch.tensor(0.1))
    for step in range(3):
        _set_grads(p_n, nt, step)
        _set_grads(p_t, torch, step)
        opt_n.step()
        opt_t.step()
        _assert_params_close(p_n, p_t, step)


@pytest.mark.parametrize("name", ["Rprop", "ASGD"])
@pytest.mark.parametrize("flag", ["capturable", "differentiable"])
def test_flags_numtensor_cannot_honour_raise(name, flag):
    with pytest.raises(NotImplementedError, match=f"{flag}=True is not supported"):
        getattr(nt.optim, name)([nt.ones(1, requires_grad=True)], **{flag: True})
    getattr(nt.optim, name)([nt.ones(1, requires_grad=True)], **{flag: False})


# ---- state_dict round trips ---------------------------------------------------------------------
def _closure_for(opt, params, step):
    """A closure whose gradients change with the step (the same in every run)."""
    targets = [nt.tensor(randn(*p.shape, seed=50 + step + i)) for i, p in enumerate(params)]

    def closure():
        opt.zero_grad()
        loss = sum(((p - t) ** 2 * (1 + 0.1 * i)).sum().tanh()
                   for i, (p, t) in enumerate(zip(params, targets)))
        loss.backward()
        return loss
    return closure


ROUND_TRIPS = [("Rprop", dict(lr=0.05, etas=(0.4, 1.3))), ("ASGD", dict(lr=0.1, t0=2)),
               ("LBFGS", dict(max_iter=3, history_size=4)),
               ("LBFGS", dict(max_iter=2, line_search_fn="strong_wolfe"))]


@pytest.mark.parametrize("name,options", ROUND_TRIPS, ids=[n for n, _ in ROUND_TRIPS])
def test_state_dict_resume_gives_the_same_trajectory(name, options):
    p_a, p_b = _params(nt), _params(nt)
    opt_a = getattr(nt.optim, name)(p_a, **options)
    opt_b = getattr(nt.optim, name)(p_b, **options)
    for step in range(4):
        for params, opt in ((p_a, opt_a), (p_b, opt_b)):
            opt.step(_closure_for(opt, params, step))
    saved = copy.deepcopy(opt_b.state_dict())
    p_c = [p.detach().clone().requires_grad_() for p in p_b]
    opt_c = getattr(nt.optim, name)(p_c, lr=0.5)
    opt_c.load_state_dict(saved)
    assert opt_c.param_groups[0] == {**opt_a.param_groups[0], "params": p_c}
    for step in range(4, 8):
        for params, opt in ((p_a, opt_a), (p_c, opt_c)):
            opt.step(_closure_for(opt, params, step))
    for a, c in zip(p_a, p_c):
        np.testing.assert_array_equal(arr(a), arr(c))


# ---- MultiplicativeLR ---------------------------------------------------------------------------
def _optimizer(lib):
    groups = [{"params": [lib.zeros(1, requires_grad=True)]},
              {"params": [lib.zeros(1, requires_grad=True)], "lr": 0.5}]
    return lib.optim.SGD(groups, lr=0.1, momentum=0.9)


class _Shrink:
    """A callable factor (its attributes are saved by state_dict)."""

    def __init__(self):
        self.base = 0.9

    def __call__(self, epoch):
        return self.base if epoch % 3 else 1.05


LAMBDAS = [("one-function", lambda: (lambda epoch: 0.95)),
           ("per-group", lambda: [lambda epoch: 0.9, lambda epoch: 1.0 - 0.01 * epoch]),
           ("callable-objects", lambda: (_Shrink(), _Shrink()))]


@pytest.mark.parametrize("make", [m for _, m in LAMBDAS], ids=[n for n, _ in LAMBDAS])
def test_multiplicative_lr_matches_torch(make):
    results = []
    for lib in (nt, torch):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.MultiplicativeLR(opt, make())
        rates = [sched.get_last_lr()]
        for _ in range(20):
            opt.step()
            sched.step()
            rates.append(sched.get_last_lr())
            assert rates[-1] == [g["lr"] for g in opt.param_groups]
        results.append((rates, sched.state_dict()))
    np.testing.assert_allclose(np.array(results[0][0]), np.array(results[1][0]), rtol=1e-12)
    _assert_same_values(results[0][1], results[1][1])


def test_multiplicative_lr_state_dict_round_trip_and_epoch_steps():
    opt_a, fn_a = _optimizer(nt), _Shrink()
    sched_a = nt.optim.lr_scheduler.MultiplicativeLR(opt_a, [fn_a, lambda e: 0.8])
    for _ in range(5):
        opt_a.step()
        sched_a.step()
    fn_a.base = 0.7
    saved = copy.deepcopy(sched_a.state_dict())
    assert saved["lr_lambdas"] == [{"base": 0.7}, None]
    opt_b, fn_b = _optimizer(nt), _Shrink()
    opt_b.load_state_dict(copy.deepcopy(opt_a.state_dict()))
    sched_b = nt.optim.lr_scheduler.MultiplicativeLR(opt_b, [fn_b, lambda e: 0.8])
    sched_b.load_state_dict(saved)
    assert fn_b.base == 0.7 and "lr_lambdas" in saved
    assert sched_b.last_epoch == 5 and sched_b.get_last_lr() == sched_a.get_last_lr()
    for _ in range(5):
        for opt, sched in ((opt_a, sched_a), (opt_b, sched_b)):
            opt.step()
            sched.step()
        assert sched_b.get_last_lr() == sched_a.get_last_lr()
    seen = []
    for lib in (nt, torch):  # step(epoch): no closed form, the factor at that epoch
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 1.0 + 0.1 * e)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for epoch in (3, 1, 4):
                opt.step()
                sched.step(epoch)
        seen.append(([sched.get_last_lr(), sched.last_epoch], [str(w.message) for w in caught]))
    assert seen[0] == seen[1]


def test_multiplicative_lr_errors_match_torch():
    raises_like(lambda: nt.optim.lr_scheduler.MultiplicativeLR(_optimizer(nt), [lambda e: 1]),
                lambda: torch.optim.lr_scheduler.MultiplicativeLR(_optimizer(torch),
                                                                  [lambda e: 1]))
    raises_like(lambda: nt.optim.lr_scheduler.MultiplicativeLR(_optimizer(nt), 0.9),
                lambda: torch.optim.lr_scheduler.MultiplicativeLR(_optimizer(torch), 0.9))
    raises_like(lambda: nt.optim.lr_scheduler.MultiplicativeLR(_optimizer(nt), lambda e: 1,
                                                                last_epoch=3),
                lambda: torch.optim.lr_scheduler.MultiplicativeLR(_optimizer(torch),
                                                                  lambda e: 1, last_epoch=3))
    assert not isinstance(nt.optim.lr_scheduler.MultiplicativeLR(_optimizer(nt), lambda e: 1),
                          nt.optim.lr_scheduler.LambdaLR)
