"""The in-place twins of out-of-place ops (x.asin_(), x.eq_(y), x.cumsum_(0) ...), the
module-level in-place spellings (torch.sin_(x), torch.clamp_(x, 0, 1) ...) and
torch.std_mean / var_mean, against real torch: values, dtypes, identity, errors and
gradients through a non-leaf."""
import numpy as np
import pytest

import numtensor as nt
from numtensor.ops import inplace_twins
from core_helpers import check, make

import torch

UNIT = np.random.default_rng(0).uniform(0.1, 0.9, (3, 4)).astype(np.float32)
INTS = np.array([[1, -2, 3, 0], [5, 6, -7, 8]], np.int64)
ARGS = {"cumsum_": (1,), "cumprod_": (0,), "swapaxes_": (0, 1), "swapdims_": (1, 0),
        "addmm_": "mats"}
BINARY_OTHER = np.random.default_rng(1).uniform(0.1, 0.9, (4,)).astype(np.float32)


def _args(lib, name):
    if name in inplace_twins.BINARY or name in ("divide_", "multiply_", "subtract_",
                                                "true_divide_"):
        return (make(lib, BINARY_OTHER),)
    if ARGS.get(name) == "mats":
        return (make(lib, UNIT[:, :2].copy()), make(lib, UNIT[:2, :].copy()))
    return ARGS.get(name, ())


@pytest.mark.parametrize("name", sorted(inplace_twins.METHODS))
def test_methods_match_torch_and_return_self(name):
    def fn(lib, x):
        if name in ("bitwise_not_",):
            x = x.to(lib.int64)
        y = getattr(x, name)(*_args(lib, name))
        assert y is x
        return x
    check(fn, UNIT.copy())


@pytest.mark.parametrize("name", ["asin_", "expm1_", "log1p_", "rsqrt_", "exp2_", "deg2rad_",
                                  "logical_not_", "eq_", "atan2_", "fmod_", "cumsum_",
                                  "bitwise_not_", "true_divide_"])
def test_integer_tensors_take_or_refuse_as_torch(name):
    # a float result cannot be written into an integer tensor: RuntimeError in both
    check(lambda lib, x: getattr(x, name)(*_args(lib, name)), INTS.copy())


@pytest.mark.parametrize("name", ["asin_", "tan_", "log1p_", "expm1_", "rsqrt_", "atan2_",
                                  "cumsum_", "cumprod_", "addmm_", "subtract_"])
def test_gradients_through_a_non_leaf_match_torch(name):
    def fn(lib, x):
        x.requires_grad_(True)
        y = x * 1.0
        getattr(y, name)(*_args(lib, name))
        (y * y).sum().backward()
        return x.grad
    check(fn, UNIT.copy(), atol=1e-5)


@pytest.mark.parametrize("name", sorted(inplace_twins.FUNCTIONS))
def test_module_level_spellings_match_torch(name):
    extra = {"clamp_": (0.2, 0.6), "clip_": (0.2, 0.6), "clamp_min_": (0.5,),
             "clamp_max_": (0.5,), "fill_": (2.5,),
             "index_put_": "idx"}.get(name, ())

    def fn(lib, x):
        args = extra
        if extra == "idx":
            args = ((lib.tensor([0, 2]),), lib.tensor(7.0))
        y = getattr(lib, name)(x, *args)
        assert y is x
        return x
    check(fn, UNIT.copy())
    assert getattr(nt, name).__name__ == name


def test_module_level_spellings_take_torchs_keywords():
    check(lambda lib, x: lib.sin_(input=x), UNIT.copy())
    check(lambda lib, x: lib.clamp_(input=x, min=0.3), UNIT.copy())
    check(lambda lib, x: lib.round_(x, decimals=1), UNIT.copy())
    with pytest.raises(TypeError):
        nt.sin_(x=nt.ones(2))
    with pytest.raises(TypeError):
        nt.ones(2).cumsum_(0, dtyp=None)


@pytest.mark.parametrize("fn_name", ["std_mean", "var_mean"])
@pytest.mark.parametrize("args", [(), (1,), (0,), ((0, 1),), (False,)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_std_mean_and_var_mean_match_torch(fn_name, args, keepdim):
    data = np.random.default_rng(2).standard_normal((3, 5)).astype(np.float32)

    def fn(lib, x):
        x.requires_grad_(True)
        kw = {} if args == (False,) else {"keepdim": keepdim}
        spread, mean = getattr(lib, fn_name)(x, *args, **kw)
        (spread.sum() + 2 * mean.sum()).backward()
        return spread, mean, x.grad
    check(fn, data)


def test_std_mean_keywords_and_errors_match_torch():
    data = np.arange(6, dtype=np.float64).reshape(2, 3)
    check(lambda lib, x: lib.std_mean(x, dim=1, correction=0), data)
    check(lambda lib, x: lib.var_mean(input=x, axis=0, unbiased=False), data)
    check(lambda lib, x: lib.std_mean(x.to(lib.int64)), data)      # RuntimeError
    check(lambda lib, x: lib.std_mean(x, out=(x, x)), data)        # TypeError
