"""numtensor.testing.assert_close against torch.testing.assert_close (the same outcome and
the same message), and the global switches PyTorch code sets (deterministic algorithms,
float32 matmul precision, torch.compile), which numtensor honours by construction."""
import warnings

import pytest

import numtensor as nt
import torch

NAN = float("nan")
CASES = [
    lambda L: (L.tensor([1., 2, 3]), L.tensor([1., 2.5, 3])),
    lambda L: (L.tensor([1., 2, 3]), L.tensor([1, 2, 3])),
    lambda L: (L.ones(2, 3), L.ones(3, 2)),
    lambda L: (L.tensor([1., NAN]), L.tensor([1., NAN])),
    lambda L: (L.tensor([1., NAN]), L.tensor([1., NAN]), {"equal_nan": True}),
    lambda L: (1.0, 1.0001),
    lambda L: (1, 1.0),
    lambda L: (3, 4),
    lambda L: ([L.ones(2), 1], [L.ones(2), 2]),
    lambda L: ((1, 2.5), [1, 2.5]),
    lambda L: ([1, 2], [1, 2, 3]),
    lambda L: ({"a": L.ones(2)}, {"a": L.zeros(2)}),
    lambda L: ({"a": 1}, {"b": 1}),
    lambda L: (L.tensor([1, 2]), L.tensor([1, 3])),
    lambda L: (L.tensor([True]), L.tensor([False])),
    lambda L: (L.tensor(True), L.tensor(False)),
    lambda L: (L.tensor(1.0), L.tensor(1.2)),
    lambda L: (L.tensor([1.0]), L.tensor([1.2])),
    lambda L: (L.zeros(2, 3), L.ones(2, 3)),
    lambda L: (L.zeros(0), L.zeros(0)),
    lambda L: (L.ones(2, 2), L.ones(2, 2).t().contiguous().t(), {"check_stride": True}),
    lambda L: (L.tensor([1., 2]), L.tensor([1., 2.1]), {"msg": "custom"}),
    lambda L: (L.tensor([1., 2]), L.tensor([1.5, 2]), {"msg": lambda m: "X" + m[:10]}),
    lambda L: (L.tensor([1., 2]), L.tensor([1., 2.1]), {"rtol": 0.1}),
    lambda L: (L.tensor([1., 2]), L.tensor([1., 2.1]), {"rtol": 0.1, "atol": 0.0}),
    lambda L: (L.tensor([1., 2]), L.tensor([1., 2.000001])),
    lambda L: (L.tensor([1., 2], dtype=L.float64), L.tensor([1., 2.00001]),
               {"check_dtype": False}),
    lambda L: (L.tensor([[1., 2], [3, 4]], dtype=L.float16),
               L.tensor([[1., 2], [3, 4.01]], dtype=L.float16)),
    lambda L: (L.tensor(1.0), 1.0),
    lambda L: (L.arange(12.).reshape(3, 4)[:, ::2], L.arange(12.).reshape(3, 4)[:, ::2] + 1e-3),
]


def _outcome(lib, case):
    actual, expected, *options = case(lib)
    try:
        lib.testing.assert_close(actual, expected, **(options[0] if options else {}))
    except Exception as e:  # noqa: BLE001 (the type and text are what is compared)
        return type(e).__name__, str(e)
    return "passed", ""


@pytest.mark.parametrize("case", range(len(CASES)))
def test_assert_close_matches_torch(case):
    assert _outcome(nt, CASES[case]) == _outcome(torch, CASES[case])


def test_assert_close_keywords_are_torchs():
    with pytest.raises(TypeError):
        nt.testing.assert_close(nt.ones(1), nt.ones(1), tol=1)
    nt.testing.assert_close(nt.ones(2, requires_grad=True) * 2, nt.full((2,), 2.0))


def test_deterministic_switch_round_trips_and_checks_its_argument():
    assert not nt.are_deterministic_algorithms_enabled()
    try:
        nt.use_deterministic_algorithms(True, warn_only=True)
        assert nt.are_deterministic_algorithms_enabled()
        assert nt.is_deterministic_algorithms_warn_only_enabled()
    finally:
        nt.use_deterministic_algorithms(False)
    for lib in (nt, torch):
        with pytest.raises(TypeError, match="must be bool, not int"):
            lib.use_deterministic_algorithms(1)


def test_float32_matmul_precision_round_trips():
    assert nt.get_float32_matmul_precision() == "highest"
    try:
        nt.set_float32_matmul_precision("high")
        assert nt.get_float32_matmul_precision() == "high"
        with pytest.warns(UserWarning, match="no effect"):
            nt.set_float32_matmul_precision("low")
        assert nt.get_float32_matmul_precision() == "high"
    finally:
        nt.set_float32_matmul_precision("highest")
    with pytest.raises(RuntimeError, match="expects a str"):
        nt.set_float32_matmul_precision(1)


def test_compile_returns_the_model_and_checks_its_arguments():
    model = nt.nn.Linear(2, 2)
    assert nt.compile(model) is model
    assert nt.compile(mode="max-autotune")(model) is model

    @nt.compile
    def f(x):
        return x * 2
    assert nt.equal(f(nt.ones(2)), nt.full((2,), 2.0))
    for lib in (nt, torch):
        with pytest.raises(RuntimeError, match="Unrecognized mode=fast"):
            lib.compile(model, mode="fast")
        with pytest.raises(AssertionError, match="A callable function is expected"):
            lib.compile(3)
    with pytest.raises(TypeError):
        nt.compile(model, fast=True)


def test_layout_attribute():
    assert nt.ones(2).layout is nt.strided and str(nt.ones(2).layout) == str(torch.ones(2).layout)
