"""Differential-testing helpers: run one lambda on numtensor and on real torch.

`check(fn, *arrays)` calls fn(lib, *tensors) once with lib=numtensor and once with
lib=torch (each given tensors made from the same NumPy arrays) and compares the
results: the same exception type, or the same shape, dtype, values (and, for
views, strides).  Results may be tensors, Python numbers, tuples or named tuples.
"""
import numbers

import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (required: CI fails without the oracle)


def make(lib, arr):
    """A tensor of lib holding a copy of the NumPy array arr."""
    arr = np.array(arr, copy=True)
    if lib is nt:
        return nt.from_numpy(arr)
    return torch.from_numpy(arr)


def to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x.detach().numpy())


def assert_same_tensor(got, want, atol=1e-5, rtol=1e-5, strides=False):
    assert isinstance(got, nt.Tensor), f"expected a Tensor, got {type(got).__name__}"
    assert tuple(got.shape) == tuple(want.shape), (tuple(got.shape), tuple(want.shape))
    assert str(got.dtype) == str(want.dtype), (got.dtype, want.dtype)
    if strides:
        assert got.stride() == want.stride(), (got.stride(), want.stride())
    g, w = to_numpy(got), to_numpy(want)
    if w.dtype.kind in "fc":
        np.testing.assert_allclose(g, w, atol=atol, rtol=rtol, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, w)


def assert_same(got, want, atol=1e-5, rtol=1e-5, strides=False):
    if isinstance(want, torch.Tensor):
        assert_same_tensor(got, want, atol, rtol, strides)
    elif isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        if hasattr(want, "_fields") or hasattr(want, "n_fields"):
            # torch.return_types: check the field names too
            for name in ("values", "indices"):
                if hasattr(want, name):
                    assert_same(getattr(got, name), getattr(want, name), atol, rtol, strides)
        for g, w in zip(got, want):
            assert_same(g, w, atol, rtol, strides)
    elif isinstance(want, torch.Size):
        assert isinstance(got, nt.Size) and tuple(got) == tuple(want)
    elif isinstance(want, (bool, numbers.Number)):
        assert type(got) is type(want), (type(got), type(want))
        if isinstance(want, float) and np.isnan(want):
            assert np.isnan(got)
        else:
            assert got == pytest.approx(want, rel=rtol, abs=atol)
    elif isinstance(want, (torch.dtype, torch.device)):
        assert repr(got) == repr(want)
    else:
        assert got == want


def run(lib, fn, arrays):
    return fn(lib, *[make(lib, a) for a in arrays])


def check(fn, *arrays, atol=1e-5, rtol=1e-5, strides=False):
    """fn(lib, *tensors) must agree on numtensor and torch (result or exception type)."""
    try:
        want = run(torch, fn, arrays)
    except Exception as e:  # torch refuses: numtensor must refuse the same way
        with pytest.raises(type(e)):
            run(nt, fn, arrays)
        return e
    got = run(nt, fn, arrays)
    assert_same(got, want, atol, rtol, strides)
    return got


def check_raises(fn, *arrays, match=None):
    """torch raises; numtensor raises the same type, with `match` in its message."""
    with pytest.raises(Exception) as torch_err:
        run(torch, fn, arrays)
    with pytest.raises(torch_err.type) as nt_err:
        run(nt, fn, arrays)
    if match is not None:
        assert match in str(torch_err.value), str(torch_err.value)
        assert match in str(nt_err.value), str(nt_err.value)
    return nt_err.value


def rand_array(rng, shape, dtype):
    """Random values suited to dtype: small ints, bools, or floats in [-3, 3]."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        out = rng.random(shape) < 0.5
    elif dtype.kind == "u":
        out = rng.integers(0, 10, shape)
    elif dtype.kind == "i":
        out = rng.integers(-9, 10, shape)
    else:
        out = rng.random(shape) * 6 - 3
    return np.array(out, dtype=dtype)  # an array also for shape ()
