"""nn.functional against torch.nn.functional: values and gradients on random inputs in
several memory layouts, numerical gradient checks, and the error cases."""
import math
import warnings

import numpy as np
import pytest

import numtensor as nt
import numtensor.nn.functional as F
from nn_helpers import arr, compare, gradcheck, raises_like, randn, torch

TF = torch.nn.functional
LAYOUTS = ("contiguous", "transposed", "sliced")


# ---- linear ---------------------------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("in_shape", [(5, 4), (2, 3, 4), (4,)])
def test_linear(layout, in_shape):
    compare(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
            [randn(*in_shape), randn(3, 4, seed=1), randn(3, seed=2)], layout)
    compare(lambda lib, x, w: lib.nn.functional.linear(x, w),
            [randn(*in_shape), randn(3, 4, seed=1)], layout)


def test_linear_gradcheck_and_errors():
    gradcheck(lambda x, w, b: F.linear(x, w, b), [randn(3, 2), randn(4, 2, seed=1), randn(4)])
    gradcheck(lambda x, w: F.linear(x, w), [randn(2, 3, 2), randn(4, 2, seed=1)])
    for shape in [(2, 4), (2, 3, 4), (4,), ()]:
        raises_like(lambda: F.linear(nt.randn(shape), nt.randn(5, 3)),
                    lambda: TF.linear(torch.randn(shape), torch.randn(5, 3)))
    raises_like(lambda: nt.nn.Linear(3, 2)(nt.randn(2, 4)),
                lambda: torch.nn.Linear(3, 2)(torch.randn(2, 4)))
    for dtype in ("float64", "int64"):
        raises_like(lambda: nt.nn.Linear(2, 3)(nt.ones(4, 2, dtype=getattr(nt, dtype))),
                    lambda: torch.nn.Linear(2, 3)(torch.ones(4, 2, dtype=getattr(torch, dtype))))


# ---- activations ------------------------------------------------------------------------
ACTIVATIONS = {
    "relu": lambda lib, x: lib.nn.functional.relu(x),
    "leaky_relu": lambda lib, x: lib.nn.functional.leaky_relu(x, 0.2),
    "leaky_relu_default": lambda lib, x: lib.nn.functional.leaky_relu(x),
    "gelu": lambda lib, x: lib.nn.functional.gelu(x),
    "gelu_tanh": lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"),
    "sigmoid": lambda lib, x: lib.nn.functional.sigmoid(x),
    "tanh": lambda lib, x: lib.nn.functional.tanh(x),
    "logsigmoid": lambda lib, x: lib.nn.functional.logsigmoid(x),
    "softplus": lambda lib, x: lib.nn.functional.softplus(x),
    "softplus_beta": lambda lib, x: lib.nn.functional.softplus(x, beta=2.0, threshold=3.0),
    "softmax0": lambda lib, x: lib.nn.functional.softmax(x, 0),
    "softmax1": lambda lib, x: lib.nn.functional.softmax(x, dim=1),
    "softmax_neg": lambda lib, x: lib.nn.functional.softmax(x, -1),
    "log_softmax1": lambda lib, x: lib.nn.functional.log_softmax(x, 1),
    "log_softmax0": lambda lib, x: lib.nn.functional.log_softmax(x, dim=0),
    "softmin": lambda lib, x: lib.nn.functional.softmin(x, 1),
    "torch.softmax": lambda lib, x: lib.softmax(x, 1),
    "torch.log_softmax": lambda lib, x: lib.log_softmax(x, -1),
    "Tensor.softmax": lambda lib, x: x.softmax(1),
    "Tensor.log_softmax": lambda lib, x: x.log_softmax(dim=0),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_matches_torch(name, layout):
    x = randn(4, 6) * 3
    x[0, :3] = 0.0  # the kinks: slopes at exactly zero must match too
    compare(ACTIVATIONS[name], [x], layout, atol=2e-6)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradcheck(name):
    x = randn(3, 5) * 2
    x[np.abs(x) < 1e-3] = 0.5  # finite differences need distance from the kinks
    gradcheck(lambda t: ACTIVATIONS[name](nt, t), [x])


def test_activations_in_float64_match_torch():
    x = randn(3, 50, dtype=np.float64) * 4
    for name in ("gelu", "log_softmax1", "softmax1", "logsigmoid"):
        compare(ACTIVATIONS[name], [x], dtype=np.float64, atol=1e-13, rtol=1e-12)


def test_gelu_tails_and_second_derivative():
    x = np.linspace(-12, 12, 97)
    compare(lambda lib, t: lib.nn.functional.gelu(t), [x], dtype=np.float64, atol=1e-14,
            rtol=1e-12)
    # composed of differentiable ops: the second derivative is right too
    assert nt.autograd.gradgradcheck(F.gelu, (nt.tensor([-2.0, -0.3, 0.0, 0.7, 3.0],
                                                        dtype=nt.float64, requires_grad=True),))


def test_erf_fit_is_reproducible():
    """Refitting gives the committed polynomials.  Compared by value on [-1, 1], not
    coefficient by coefficient: the power-basis coefficients of a degree-24 fit are
    ill-conditioned (on one CPU's LAPACK a small one came out 15% apart), while the
    polynomials agree to a few float64 ulps."""
    import scipy  # noqa: F401  (a dependency of numtensor)
    from numpy.polynomial import polynomial
    from numtensor.nn import _erf
    y = np.linspace(-1, 1, 20001)
    for degree, committed in ((12, _erf._COEFFS_12), (24, _erf._COEFFS_24)):
        refit = polynomial.polyval(y, _erf.fit_coefficients(degree))
        np.testing.assert_allclose(refit, polynomial.polyval(y, np.array(committed)),
                                   rtol=0, atol=1e-13)


def test_softmax_is_stable_for_large_inputs():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, 0.0]], dtype=np.float32)
    for fn in (ACTIVATIONS["softmax1"], ACTIVATIONS["log_softmax1"]):
        compare(fn, [x], atol=1e-5)
        assert np.isfinite(arr(fn(nt, nt.tensor(x)))).all()


def test_softmax_dtype_argument_and_integer_inputs():
    x = [[1, 2, 3], [4, 5, 7]]
    for lib in (nt, torch):
        out = lib.nn.functional.softmax(lib.tensor(x), 1, dtype=lib.float64)
        assert out.dtype == lib.float64
    np.testing.assert_allclose(arr(F.log_softmax(nt.tensor(x), 0, dtype=nt.float32)),
                               arr(TF.log_softmax(torch.tensor(x), 0, dtype=torch.float32)),
                               atol=1e-6)
    raises_like(lambda: F.softmax(nt.tensor([1, 2]), 0),
                lambda: TF.softmax(torch.tensor([1, 2]), 0))
    raises_like(lambda: F.log_softmax(nt.tensor([[1, 2]]), 0),
                lambda: TF.log_softmax(torch.tensor([[1, 2]]), 0))
    raises_like(lambda: F.softmax(nt.randn(2, 3), 3), lambda: TF.softmax(torch.randn(2, 3), 3))
    with pytest.raises(TypeError):
        nt.softmax(nt.randn(2, 3))
    with pytest.raises(TypeError):
        nt.randn(2).softmax(0, dtyp=nt.float64)


def test_softmax_without_dim_warns_and_picks_torchs_dim():
    for shape in [(4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        x = randn(*shape)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = F.softmax(nt.tensor(x))
        assert "Implicit dimension choice for softmax" in str(caught[0].message)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = TF.softmax(torch.tensor(x))
        np.testing.assert_allclose(arr(got), arr(want), atol=1e-6)


def test_inplace_activations():
    for lib in (nt, torch):
        x = lib.tensor([-1.0, 2.0])
        assert lib.nn.functional.relu(x, inplace=True) is x and x.tolist() == [0.0, 2.0]
        y = lib.tensor([-1.0, 2.0])
        assert lib.nn.functional.leaky_relu(y, 0.5, inplace=True) is y
        assert y.tolist() == [-0.5, 2.0]
    raises_like(lambda: F.gelu(nt.randn(2), approximate="fast"),
                lambda: TF.gelu(torch.randn(2), approximate="fast"))


# ---- dropout ----------------------------------------------------------------------------
def test_dropout_statistics_scaling_and_modes():
    x = nt.ones(200, 500)
    nt.manual_seed(0)
    y = F.dropout(x, 0.3)
    kept = (y != 0).float().mean().item()
    assert abs(kept - 0.7) < 0.01
    assert np.allclose(np.unique(arr(y)), [0.0, 1 / 0.7])
    nt.manual_seed(0)
    assert nt.equal(F.dropout(x, 0.3), y)  # reproducible under manual_seed
    assert F.dropout(x, 0.3, training=False) is x
    assert nt.equal(F.dropout(x, 0.0), x)
    assert float(F.dropout(x, 1.0).abs().sum()) == 0
    z = nt.ones(10)
    assert F.dropout(z, 0.5, inplace=True) is z
    raises_like(lambda: F.dropout(x, 1.5), lambda: TF.dropout(torch.ones(1), 1.5))
    raises_like(lambda: nt.nn.Dropout(-0.1), lambda: torch.nn.Dropout(-0.1))


def test_dropout_gradient_uses_the_same_mask():
    x = nt.randn(50, 40, requires_grad=True)
    y = F.dropout(x, 0.5)
    y.sum().backward()
    mask = arr(y) != 0
    np.testing.assert_allclose(arr(x.grad), np.where(mask, 2.0, 0.0))


# ---- normalisation ----------------------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 4)])
def test_batch_norm_training(shape, layout):
    compare(lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w, b, training=True),
            [randn(*shape) * 2 + 1, randn(3, seed=1), randn(3, seed=2)], layout, atol=1e-5)
    compare(lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True, eps=0.1),
            [randn(*shape)], layout, atol=1e-5)


def test_batch_norm_running_statistics_and_eval():
    x = randn(8, 3, 5) * 3 + 2
    stats = {}
    for lib in (nt, torch):
        rm, rv = lib.zeros(3), lib.ones(3)
        out = lib.nn.functional.batch_norm(lib.tensor(x), rm, rv, training=True, momentum=0.3)
        ev = lib.nn.functional.batch_norm(lib.tensor(x), rm, rv, lib.full((3,), 2.0),
                                          lib.full((3,), 0.5), training=False)
        stats[lib.__name__] = [arr(t) for t in (out, ev, rm, rv)]
    for got, want in zip(stats["numtensor"], stats["torch"]):
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)
    raises_like(lambda: F.batch_norm(nt.randn(1, 3), None, None, training=True),
                lambda: TF.batch_norm(torch.randn(1, 3), None, None, training=True))
    raises_like(lambda: F.batch_norm(nt.randn(2, 3), nt.zeros(4), nt.ones(4), training=True),
                lambda: TF.batch_norm(torch.randn(2, 3), torch.zeros(4), torch.ones(4),
                                      training=True))


def test_batch_norm_gradcheck():
    gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
              [randn(5, 3, 2), randn(3, seed=1), randn(3, seed=2)])
    gradcheck(lambda x: F.batch_norm(x, nt.zeros(3, dtype=nt.float64),
                                     nt.ones(3, dtype=nt.float64), training=False), [randn(4, 3)])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layer_norm(layout):
    compare(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (4,), w, b),
            [randn(3, 5, 4), randn(4, seed=1), randn(4, seed=2)], layout, atol=1e-5)
    compare(lambda lib, x: lib.nn.functional.layer_norm(x, [5, 4], eps=1e-3),
            [randn(3, 5, 4)], layout, atol=1e-5)
    gradcheck(lambda x, w, b: F.layer_norm(x, (3,), w, b), [randn(2, 3), randn(3), randn(3)])
    raises_like(lambda: F.layer_norm(nt.randn(2, 3), (4,)),
                lambda: TF.layer_norm(torch.randn(2, 3), (4,)))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_group_norm(layout):
    compare(lambda lib, x, w, b: lib.nn.functional.group_norm(x, 2, w, b),
            [randn(3, 4, 5, 2), randn(4, seed=1), randn(4, seed=2)], layout, atol=1e-5)
    compare(lambda lib, x: lib.nn.functional.group_norm(x, 3, eps=1e-3),
            [randn(2, 6, 5)], layout, atol=1e-5)
    gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), [randn(2, 4, 3), randn(4), randn(4)])
    y = F.group_norm(nt.tensor(randn(2, 4, 3), requires_grad=True), 2)
    assert type(y.grad_fn).__name__ == "NativeGroupNormBackward0"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("value", [1.73, -0.1, 3e5])
def test_layer_and_group_norm_of_constant_rows_are_zeros_as_in_pytorch(value, dtype):
    """A constant row normalises to exactly 0, as PyTorch's Welford moments give it (a
    mean from a sum alone is off by rounding, which sqrt(eps) magnifies: 4e-5 once)."""
    for lib in (nt, torch):
        d = getattr(lib, dtype)
        row = lib.tensor([value], dtype=d).expand(5)
        got = lib.nn.functional.layer_norm(row, (5,))
        grouped = lib.nn.functional.group_norm(lib.full((2, 4, 3), value, dtype=d), 2)
        assert got.tolist() == [0.0] * 5, (lib.__name__, got.tolist())
        assert grouped.abs().max().item() == 0.0, lib.__name__
    gradcheck(lambda x: F.layer_norm(x, (5,)), [np.full((2, 5), 0.3)])


# ---- embedding, one_hot -------------------------------------------------------------------
def _embedding_case(lib, weight, padding_idx=None, max_norm=None, scale=False):
    idx = lib.tensor([[0, 2, 2], [3, 0, 1]])
    return lib.nn.functional.embedding(idx, weight, padding_idx=padding_idx, max_norm=max_norm,
                                       scale_grad_by_freq=scale)


@pytest.mark.parametrize("options", [{}, {"padding_idx": 2}, {"padding_idx": -1},
                                     {"scale": True}, {"scale": True, "padding_idx": 0}])
def test_embedding(options):
    compare(lambda lib, w: _embedding_case(lib, w, **options), [randn(4, 3)])


def test_embedding_and_dropout_gradcheck():
    # (padding_idx and scale_grad_by_freq change the gradient on purpose: they are
    # compared with torch instead, above)
    idx = nt.tensor([[0, 2, 2], [3, 0, 1]])
    gradcheck(lambda w: F.embedding(idx, w), [randn(4, 3)])

    def seeded_dropout(x):
        nt.manual_seed(0)  # the same mask on every evaluation
        return F.dropout(x, 0.4)
    gradcheck(seeded_dropout, [randn(6, 5)])


def test_embedding_max_norm_renormalises_rows_in_place():
    w = randn(5, 3) * 3
    weights = {}
    for lib in (nt, torch):
        t = lib.tensor(w)
        out = lib.nn.functional.embedding(lib.tensor([1, 3, 3]), t, max_norm=1.0)
        weights[lib.__name__] = (arr(out), arr(t))
    np.testing.assert_allclose(weights["numtensor"][0], weights["torch"][0], atol=1e-6)
    np.testing.assert_allclose(weights["numtensor"][1], weights["torch"][1], atol=1e-6)


def test_embedding_errors():
    for bad in ([1, 5], [-1]):
        raises_like(lambda: F.embedding(nt.tensor(bad), nt.randn(3, 2)),
                    lambda: TF.embedding(torch.tensor(bad), torch.randn(3, 2)))
    raises_like(lambda: F.embedding(nt.tensor([1.0]), nt.randn(3, 2)),
                lambda: TF.embedding(torch.tensor([1.0]), torch.randn(3, 2)))
    raises_like(lambda: nt.nn.Embedding(3, 2, padding_idx=5),
                lambda: torch.nn.Embedding(3, 2, padding_idx=5))


def test_one_hot():
    for x, n in (([0, 3, 1], -1), ([[1, 0], [2, 2]], 4), ([], 3)):
        got = F.one_hot(nt.tensor(x, dtype=nt.int64), n)
        want = TF.one_hot(torch.tensor(x, dtype=torch.int64), n)
        assert got.dtype is nt.int64 and tuple(got.shape) == tuple(want.shape)
        np.testing.assert_array_equal(arr(got), arr(want))
    for x, n in (([1.0, 2.0], -1), ([1, -2], -1), ([1, 5], 3)):
        raises_like(lambda: F.one_hot(nt.tensor(x), n), lambda: TF.one_hot(torch.tensor(x), n))
    raises_like(lambda: F.one_hot(nt.tensor([], dtype=nt.int64)),
                lambda: TF.one_hot(torch.tensor([], dtype=torch.int64)))


# ---- pad -----------------------------------------------------------------------------------
PADS = [
    ("constant", (3, 4), (1, 2), None),
    ("constant", (2, 3, 4), (1, 0, 2, 1), 1.5),
    ("constant", (2, 3, 4), (-1, 2, 0, -1), None),
    ("constant", (2, 3, 4), (1, 1, 1, 1, 1, 1), 0.0),
    ("reflect", (2, 5), (2, 3), None),
    ("reflect", (1, 2, 4, 5), (1, 2, 3, 0), None),
    ("replicate", (2, 3, 4), (2, 1), None),
    ("replicate", (1, 2, 3, 4), (1, 2, 2, 1), None),
    ("circular", (1, 2, 5), (2, 3), None),
    ("circular", (1, 2, 3, 4), (1, 2, 3, 0), None),
]


@pytest.mark.parametrize("mode,shape,pad,value", PADS)
def test_pad(mode, shape, pad, value):
    compare(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode, value=value)
            if value is not None else lib.nn.functional.pad(x, pad, mode=mode),
            [randn(*shape)], "sliced")


def test_pad_gradcheck_and_errors():
    gradcheck(lambda x: F.pad(x, (1, 2), mode="reflect"), [randn(1, 4)])
    gradcheck(lambda x: F.pad(x, (1, 1, 2, 0), value=3.0), [randn(2, 3)])
    cases = [((1, 1, 3), (3, 3), "reflect", None), ((1, 1, 3), (1,), "constant", None),
             ((3,), (1, 1, 1, 1), "constant", None), ((3,), (1, 1), "reflect", None),
             ((2, 3), (1, 1, 1, 1), "replicate", None), ((2, 3), (1, 1), "foo", None),
             ((2, 3), (1, 1), "reflect", 1.0)]
    for shape, pad, mode, value in cases:
        raises_like(lambda: F.pad(nt.randn(*shape), pad, mode, value),
                    lambda: TF.pad(torch.randn(*shape), pad, mode, value))


# ---- every public function takes torch's arguments ---------------------------------------
def test_unknown_keywords_are_type_errors():
    with pytest.raises(TypeError):
        F.relu(nt.ones(1), inplac=True)
    with pytest.raises(TypeError):
        F.cross_entropy(nt.ones(1, 2), nt.tensor([0]), reduce_="mean")
    with pytest.raises(TypeError):
        nt.nn.Linear(2, 3, bais=False)


def test_functional_names_exist_in_torch():
    for name in F.__all__:
        assert hasattr(TF, name), name
    assert math.isclose(F.gelu(nt.tensor(1.0)).item(), TF.gelu(torch.tensor(1.0)).item(),
                        rel_tol=1e-6)
