"""Losses (functional and modules) against torch: every reduction, class weights,
ignore_index, label smoothing, probability targets, K-dim inputs, pos_weight; values,
gradients, gradcheck and error messages."""
import warnings

import numpy as np
import pytest

import numtensor as nt
import numtensor.nn.functional as F
from nn_helpers import arr, compare, gradcheck, raises_like, randn, torch

TF = torch.nn.functional
REDUCTIONS = ("mean", "sum", "none")


def targets(lib, values):
    return lib.tensor(values, dtype=lib.int64)


# ---- cross entropy / nll ----------------------------------------------------------------
CE_CASES = {
    "plain": dict(),
    "weight": dict(weight=[0.5, 2.0, 1.0, 0.1]),
    "ignore": dict(ignore_index=1),
    "weight_ignore": dict(weight=[0.5, 2.0, 1.0, 0.1], ignore_index=3),
    "smooth": dict(label_smoothing=0.2),
    "smooth_weight_ignore": dict(label_smoothing=0.1, weight=[0.5, 2.0, 1.0, 0.1],
                                 ignore_index=0),
}


def _ce(lib, x, case, reduction, target_values):
    opts = dict(CE_CASES[case])
    if "weight" in opts:
        opts["weight"] = lib.tensor(opts["weight"], dtype=x.dtype)
    return lib.nn.functional.cross_entropy(x, targets(lib, target_values), reduction=reduction,
                                           **opts)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", sorted(CE_CASES))
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_cross_entropy_class_indices(case, reduction, layout):
    t = [0, 1, 3, 2, 1, 0]
    compare(lambda lib, x: _ce(lib, x, case, reduction, t), [randn(6, 4) * 3], layout, atol=1e-5)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", ["plain", "weight_ignore", "smooth_weight_ignore"])
def test_cross_entropy_k_dimensional(case, reduction):
    t = np.random.default_rng(1).integers(0, 4, size=(2, 3, 5)).tolist()
    compare(lambda lib, x: _ce(lib, x, case, reduction, t), [randn(2, 4, 3, 5)], atol=1e-5)


def test_cross_entropy_single_sample_and_all_ignored():
    compare(lambda lib, x: lib.nn.functional.cross_entropy(x, lib.tensor(2)), [randn(5)])
    for lib in (nt, torch):
        loss = lib.nn.functional.cross_entropy(lib.randn(3, 4), targets(lib, [-100] * 3))
        assert np.isnan(loss.item())


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_probability_targets(reduction, smoothing, weighted):
    p = np.random.default_rng(2).dirichlet(np.ones(4), size=5).astype(np.float32)

    def fn(lib, x, target):
        w = lib.tensor([1.0, 0.5, 2.0, 1.5]) if weighted else None
        return lib.nn.functional.cross_entropy(x, target, weight=w, reduction=reduction,
                                               label_smoothing=smoothing)
    compare(fn, [randn(5, 4), p], atol=1e-5)


def test_cross_entropy_gradcheck():
    gradcheck(lambda x: F.cross_entropy(x, nt.tensor([0, 2, 1])), [randn(3, 4)])
    gradcheck(lambda x: F.cross_entropy(x, nt.tensor([0, 2, 1]), label_smoothing=0.2,
                                        weight=nt.tensor([1.0, 2.0, 0.5, 1.0],
                                                         dtype=nt.float64)), [randn(3, 4)])
    gradcheck(lambda x, p: F.cross_entropy(x, p), [randn(3, 4), np.full((3, 4), 0.25)])


def test_cross_entropy_is_stable_for_huge_logits():
    compare(lambda lib, x: lib.nn.functional.cross_entropy(x, targets(lib, [0, 1])),
            [np.array([[1000.0, -1000.0, 0.0], [50.0, 60.0, 70.0]], dtype=np.float32)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    t = [3, 0, 1, 1]
    compare(lambda lib, x: lib.nn.functional.nll_loss(x, targets(lib, t), reduction=reduction,
                                                      weight=lib.tensor([1.0, 0.2, 3.0, 1.0]),
                                                      ignore_index=0),
            [randn(4, 4)], "sliced")
    compare(lambda lib, x: lib.nn.functional.nll_loss(x.log_softmax(1), targets(lib, t),
                                                      reduction=reduction), [randn(4, 5)])


CE_ERRORS = [
    ((3, 5), "long", [1, 2], {}),
    ((3, 5), "long", [1, 2, 7], {}),
    ((3, 5), "long", [1, 2, -1], {}),
    ((3, 5), "int32", [1, 2, 3], {}),
    ((3, 5), "float32", [1, 2, 3], {}),
    ((3, 5), "long", [[1, 2, 3]], {}),
    ((3, 5), "long", [1, 2, 3], {"label_smoothing": 1.5}),
    ((2, 3, 4), "long", [1, 2], {}),
    ((5,), "long", [2, 1], {}),
    ((), "long", 0, {}),
    ((2, 5), "float32", [[0.2] * 5] * 2, {"ignore_index": 1}),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nll_loss_sums_equal_torch_bit_for_bit(dtype, weighted):
    """The sum and mean add the rows in PyTorch's CPU order (a cascade of partial sums
    that folds every 16, 256, ... rows), so a printed loss matches to the last digit:
    batch sizes around the folds, ignored rows among them (some on a fold)."""
    rng = np.random.default_rng(11)
    for n in (5, 16, 17, 255, 257, 4097, 70001):
        x = rng.standard_normal((n, 7)).astype(dtype)
        t = rng.integers(0, 7, n)
        t[::5] = -100
        w = rng.random(7).astype(dtype) if weighted else None
        for reduction in ("sum", "mean"):
            ours = nt.nn.functional.nll_loss(nt.tensor(x), nt.tensor(t), reduction=reduction,
                                             weight=None if w is None else nt.tensor(w))
            theirs = torch.nn.functional.nll_loss(torch.tensor(x), torch.tensor(t),
                                                  reduction=reduction,
                                                  weight=None if w is None else torch.tensor(w))
            assert ours.item() == theirs.item(), (n, reduction)


@pytest.mark.parametrize("shape,dtype,target,opts", CE_ERRORS)
def test_cross_entropy_errors_match_torch(shape, dtype, target, opts):
    raises_like(lambda: F.cross_entropy(nt.randn(shape), nt.tensor(target, dtype=getattr(
        nt, dtype)), **opts), lambda: TF.cross_entropy(torch.randn(shape), torch.tensor(
            target, dtype=getattr(torch, dtype)), **opts))


def test_nll_loss_errors_match_torch():
    cases = [
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(3, 5), lib.tensor([1, 2, 3]),
                                                reduction="foo")),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(3, 5), lib.tensor([1, 2, 3]),
                                                weight=lib.ones(4))),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(2, 3, 4), lib.ones(2, 4, 6).long())),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(2, 3, 4), lib.tensor([1, 2]))),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(2, 3), lib.tensor(0))),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(()), lib.tensor(0))),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(2, 5), lib.tensor([1, 2]),
                                                weight=lib.ones(5, dtype=lib.float64))),
        # the first target out of bounds in order is the one named
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(4, 10), lib.tensor([3, 12, -5, 11]))),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(4, 10), lib.tensor([3, -5, 12, 1]))),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(4, 10), lib.tensor([3, -100, 12, 1]),
                                                reduction="sum")),
        (lambda lib: lib.nn.functional.cross_entropy(lib.randn(2, 10, 3),
                                                     lib.tensor([[1, 12, -5], [2, 3, 4]]))),
        (lambda lib: lib.nn.functional.nll_loss(lib.randn(3, 4), lib.tensor([0, 2, 4]),
                                                ignore_index=2)),
    ]
    for case in cases:
        raises_like(lambda: case(nt), lambda: case(torch))


# ---- regression losses ----------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "sliced"])
def test_regression_losses(name, reduction, layout):
    compare(lambda lib, x, y: getattr(lib.nn.functional, name)(x, y, reduction=reduction),
            [randn(4, 3), randn(4, 3, seed=1)], layout)
    compare(lambda lib, x, y, w: getattr(lib.nn.functional, name)(x, y, reduction=reduction,
                                                                 weight=w),
            [randn(4, 3), randn(4, 3, seed=1), np.abs(randn(4, 3, seed=2))], layout)
    gradcheck(lambda x, y: getattr(F, name)(x, y, reduction=reduction),
              [randn(3, 2), randn(3, 2, seed=1)])


def test_mse_loss_broadcasting_warns_like_torch():
    messages = []
    for lib in (nt, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = lib.nn.functional.mse_loss(lib.ones(3, 1), lib.zeros(3))
        messages.append(str(caught[0].message))
        assert out.item() == 1.0
    assert messages[0] == messages[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda: F.mse_loss(nt.randn(3, 2), nt.randn(4)),
                    lambda: TF.mse_loss(torch.randn(3, 2), torch.randn(4)))
    raises_like(lambda: F.mse_loss(nt.randn(3), nt.randn(3), weight=nt.ones(1, 3)),
                lambda: TF.mse_loss(torch.randn(3), torch.randn(3), weight=torch.ones(1, 3)))


def test_legacy_size_average_and_reduce():
    x, y = randn(4, 3), randn(4, 3, seed=1)
    for size_average, reduce in ((False, None), (None, False), (True, True)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = F.mse_loss(nt.tensor(x), nt.tensor(y), size_average=size_average, reduce=reduce)
        assert "size_average and reduce args will be deprecated" in str(caught[0].message)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = TF.mse_loss(torch.tensor(x), torch.tensor(y), size_average=size_average,
                               reduce=reduce)
        np.testing.assert_allclose(arr(got), arr(want), rtol=1e-6)


# ---- binary cross entropy -------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction, weighted):
    rng = np.random.default_rng(4)
    p = rng.uniform(0.02, 0.98, size=(5, 3)).astype(np.float32)
    t = rng.uniform(0, 1, size=(5, 3)).astype(np.float32)

    def fn(lib, x, y):
        w = lib.tensor(np.linspace(0.5, 2, 3, dtype=np.float32)) if weighted else None
        return lib.nn.functional.binary_cross_entropy(x, y, weight=w, reduction=reduction)
    compare(fn, [p, t], "transposed", atol=1e-6, grad_rtol=1e-4)


def test_binary_cross_entropy_saturated_inputs():
    # probabilities of exactly 0 and 1: torch clamps the logs at -100
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5], dtype=np.float32)
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0], dtype=np.float32)
    for reduction in REDUCTIONS:
        got = F.binary_cross_entropy(nt.tensor(x), nt.tensor(y), reduction=reduction)
        want = TF.binary_cross_entropy(torch.tensor(x), torch.tensor(y), reduction=reduction)
        np.testing.assert_allclose(arr(got), arr(want), rtol=1e-6)
    xs = nt.tensor(x, requires_grad=True)
    F.binary_cross_entropy(xs, nt.tensor(y)).backward()
    assert np.isfinite(arr(xs.grad)).all()


def test_binary_cross_entropy_errors():
    raises_like(lambda: F.binary_cross_entropy(nt.rand(3, 2), nt.rand(3)),
                lambda: TF.binary_cross_entropy(torch.rand(3, 2), torch.rand(3)))
    raises_like(lambda: F.binary_cross_entropy(nt.rand(3) + 1, nt.rand(3)),
                lambda: TF.binary_cross_entropy(torch.rand(3) + 1, torch.rand(3)))
    raises_like(lambda: F.binary_cross_entropy_with_logits(nt.rand(3, 2), nt.rand(3)),
                lambda: TF.binary_cross_entropy_with_logits(torch.rand(3, 2), torch.rand(3)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", ["plain", "weight", "pos_weight", "both"])
@pytest.mark.parametrize("layout", ["contiguous", "sliced"])
def test_binary_cross_entropy_with_logits(reduction, options, layout):
    x = randn(4, 3) * 10
    x[0, 0] = 0.0
    x[1, :] = [200.0, -200.0, 90.0]  # exp overflows in float32: the loss must stay finite
    t = np.random.default_rng(5).uniform(0, 1, size=(4, 3)).astype(np.float32)

    def fn(lib, logits, target):
        w = lib.tensor([0.5, 1.0, 2.0]) if options in ("weight", "both") else None
        pw = lib.tensor([3.0, 0.5, 1.0]) if options in ("pos_weight", "both") else None
        return lib.nn.functional.binary_cross_entropy_with_logits(
            logits, target, weight=w, pos_weight=pw, reduction=reduction)
    compare(fn, [x, t], layout, atol=1e-5)


def test_bce_gradchecks():
    rng = np.random.default_rng(6)
    gradcheck(lambda x, y: F.binary_cross_entropy(x, y), [rng.uniform(0.1, 0.9, 5),
                                                          rng.uniform(0, 1, 5)])
    gradcheck(lambda x, y: F.binary_cross_entropy_with_logits(
        x, y, pos_weight=nt.tensor([2.0], dtype=nt.float64)), [randn(5) * 3, rng.uniform(0, 1, 5)])


# ---- loss modules -----------------------------------------------------------------------------
def test_loss_modules_match_functional_and_repr():
    x, y = randn(4, 3), np.random.default_rng(0).uniform(0, 1, (4, 3)).astype(np.float32)
    cls_t = [0, 2, 1, 1]
    pairs = [
        ("CrossEntropyLoss", dict(weight=[1.0, 2.0, 0.5], ignore_index=1, label_smoothing=0.1),
         lambda lib: (lib.tensor(x), lib.tensor(cls_t))),
        ("NLLLoss", dict(reduction="sum"), lambda lib: (lib.tensor(x).log_softmax(1),
                                                        lib.tensor(cls_t))),
        ("MSELoss", dict(reduction="none"), lambda lib: (lib.tensor(x), lib.tensor(y))),
        ("L1Loss", dict(), lambda lib: (lib.tensor(x), lib.tensor(y))),
        ("BCELoss", dict(weight=[1.0, 2.0, 0.5]), lambda lib: (lib.tensor(x).sigmoid(),
                                                               lib.tensor(y))),
        ("BCEWithLogitsLoss", dict(pos_weight=[2.0, 1.0, 0.5]),
         lambda lib: (lib.tensor(x), lib.tensor(y))),
    ]
    for name, opts, inputs in pairs:
        made = []
        for lib in (nt, torch):
            kw = {k: lib.tensor(v) if isinstance(v, list) else v for k, v in opts.items()}
            module = getattr(lib.nn, name)(**kw)
            made.append((module, module(*inputs(lib))))
        (m_n, out_n), (m_t, out_t) = made
        assert repr(m_n) == repr(m_t)
        assert list(m_n.state_dict()) == list(m_t.state_dict())
        np.testing.assert_allclose(arr(out_n), arr(out_t), atol=1e-6, rtol=1e-5)
        assert m_n.to("cpu") is m_n


def test_loss_module_with_legacy_arguments():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert nt.nn.MSELoss(size_average=False).reduction == "sum"
        assert nt.nn.L1Loss(reduce=False).reduction == "none"
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        nt.nn.MSELoss(reduction="foo")(nt.ones(1), nt.ones(1))
