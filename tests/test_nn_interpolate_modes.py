"""interpolate's 'bicubic' and 'area' modes (and nn.Upsample with them) against torch:
values, dtype, shape, grad_fn name and input gradients for float32 and float64, numerical
gradient checks, and PyTorch's errors."""
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, raises_like, torch

F = nt.nn.functional
TF = torch.nn.functional
DTYPES = (np.float32, np.float64)


def _normal(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


def _run(lib, fn, array, dtype, transposed=False):
    """fn on a lib tensor holding `array`: the output, its grad_fn name and the gradient
    of a random weighted sum of the output w.r.t. the input."""
    a = np.asarray(array, dtype=dtype)
    if transposed:  # the same values, laid out with the dims reversed in memory
        dims = tuple(range(a.ndim - 1, -1, -1))
        x = lib.tensor(np.ascontiguousarray(a.transpose(dims))).permute(*dims).detach()
    else:
        x = lib.tensor(a)
    x.requires_grad_(True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(lib, x)
    weights = _normal(tuple(out.shape), 7).astype(dtype)
    (out * lib.tensor(weights)).sum().backward()
    return out, type(out.grad_fn).__name__, arr(x.grad)


def check(fn, shape, dtype, transposed=False):
    array = _normal(shape, 0)
    got, got_node, got_grad = _run(nt, fn, array, dtype, transposed)
    want, want_node, want_grad = _run(torch, fn, array, dtype, transposed)
    assert str(got.dtype) == str(want.dtype)
    assert tuple(got.shape) == tuple(want.shape)
    assert got_node == want_node
    tol = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(arr(got), arr(want), atol=tol, rtol=tol, err_msg="values")
    np.testing.assert_allclose(got_grad, want_grad, atol=tol, rtol=tol, err_msg="grad")


# ---- bicubic --------------------------------------------------------------------------------
BICUBIC = {
    "size_up": dict(size=(9, 11)),
    "size_down": dict(size=(3, 2)),
    "size_mixed": dict(size=(2, 13)),
    "size_int": dict(size=8),
    "size_one": dict(size=(1, 1)),
    "size_up_aligned": dict(size=(9, 11), align_corners=True),
    "size_down_aligned": dict(size=(3, 4), align_corners=True),
    "size_one_aligned": dict(size=(1, 3), align_corners=True),
    "scale_x2": dict(scale_factor=2),
    "scale_fraction": dict(scale_factor=1.7),
    "scale_down": dict(scale_factor=0.45),
    "scale_per_dim": dict(scale_factor=(2.3, 0.6)),
    "scale_recompute": dict(scale_factor=(2.3, 0.6), recompute_scale_factor=True),
    "scale_recompute_false": dict(scale_factor=1.3, recompute_scale_factor=False),
    "scale_aligned": dict(scale_factor=1.7, align_corners=True),
    "scale_aligned_recompute": dict(scale_factor=0.7, align_corners=True,
                                    recompute_scale_factor=True),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(BICUBIC))
def test_bicubic_matches_torch(name, dtype):
    kwargs = BICUBIC[name]
    check(lambda lib, x: lib.nn.functional.interpolate(x, mode="bicubic", **kwargs),
          (2, 3, 5, 6), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bicubic_strided_input_and_single_pixel(dtype):
    fn = lambda lib, x: lib.nn.functional.interpolate(x, size=(7, 5), mode="bicubic")  # noqa: E731
    check(fn, (2, 3, 4, 6), dtype, transposed=True)
    check(fn, (1, 2, 1, 1), dtype)  # every tap clamps to the one pixel


@pytest.mark.parametrize("align_corners", [False, True])
def test_bicubic_gradcheck(align_corners):
    x = nt.tensor(_normal((1, 1, 3, 4), 1), requires_grad=True)
    fn = lambda t: F.interpolate(t, size=(5, 3), mode="bicubic",  # noqa: E731
                                 align_corners=align_corners)
    assert nt.autograd.gradcheck(fn, [x])
    assert nt.autograd.gradgradcheck(fn, [x])


# ---- area -------------------------------------------------------------------------------------
AREA = {
    "1d_down": ((2, 3, 7), dict(size=3)),
    "1d_up": ((2, 3, 4), dict(size=6)),
    "1d_one": ((2, 3, 5), dict(size=1)),
    "1d_scale": ((2, 3, 7), dict(scale_factor=0.6)),
    "2d_down": ((2, 3, 7, 6), dict(size=(3, 4))),
    "2d_up": ((2, 3, 3, 4), dict(size=(5, 7))),
    "2d_one": ((2, 3, 5, 4), dict(size=(1, 1))),
    "2d_scale": ((2, 3, 7, 6), dict(scale_factor=(0.5, 1.4))),
    "2d_scale_recompute": ((2, 3, 7, 6), dict(scale_factor=0.7, recompute_scale_factor=True)),
    "3d_down": ((2, 3, 5, 7, 6), dict(size=(2, 3, 4))),
    "3d_mixed": ((1, 2, 3, 4, 5), dict(size=(5, 2, 7))),
    "3d_one": ((1, 2, 3, 4, 5), dict(size=1)),
    "3d_scale": ((1, 2, 4, 5, 6), dict(scale_factor=(0.5, 1.5, 0.7))),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(AREA))
def test_area_matches_torch(name, dtype):
    shape, kwargs = AREA[name]
    check(lambda lib, x: lib.nn.functional.interpolate(x, mode="area", **kwargs), shape, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_area_strided_and_empty_batch(dtype):
    fn = lambda lib, x: lib.nn.functional.interpolate(x, size=(2, 3, 2), mode="area")  # noqa: E731
    check(fn, (2, 3, 5, 4, 3), dtype, transposed=True)
    for shape in [(0, 2, 3, 4, 5), (0, 2, 3, 4)]:
        got = F.interpolate(nt.zeros(*shape), size=2, mode="area")
        want = TF.interpolate(torch.zeros(*shape), size=2, mode="area")
        assert tuple(got.shape) == tuple(want.shape)


@pytest.mark.parametrize("shape,size", [((1, 2, 5), 3), ((1, 2, 5, 4), (2, 3)),
                                        ((1, 2, 3, 5, 4), (2, 3, 3))])
def test_area_gradcheck(shape, size):
    x = nt.tensor(_normal(shape, 2), requires_grad=True)
    fn = lambda t: F.interpolate(t, size=size, mode="area")  # noqa: E731
    assert nt.autograd.gradcheck(fn, [x])
    assert nt.autograd.gradgradcheck(fn, [x])


# ---- Upsample ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kwargs", [dict(scale_factor=2, mode="bicubic"),
                                    dict(size=(4, 9), mode="bicubic", align_corners=True),
                                    dict(scale_factor=0.5, mode="area")])
def test_upsample_module(kwargs, dtype):
    check(lambda lib, x: lib.nn.Upsample(**kwargs)(x), (2, 3, 5, 6), dtype)
    assert repr(nt.nn.Upsample(**kwargs)) == repr(torch.nn.Upsample(**kwargs))


# ---- errors -----------------------------------------------------------------------------------
ERRORS = [
    ((2, 3, 4), dict(size=5, mode="bicubic")),
    ((1, 2, 3, 4, 5), dict(size=5, mode="bicubic")),
    ((1, 2, 3, 4), dict(size=5, mode="area", align_corners=False)),
    ((1, 2, 3, 4), dict(size=5, mode="area", align_corners=True)),
    ((1, 2, 3, 4), dict(size=(0, 3), mode="bicubic")),
    ((1, 2, 0, 4), dict(size=3, mode="bicubic")),
    ((1, 2, 0, 4), dict(size=3, mode="area")),
    ((1, 2, 3, 0, 5), dict(size=3, mode="area")),
    ((1, 0, 3, 4, 5), dict(size=3, mode="area")),
    ((1, 2, 3, 4), dict(size=3, mode="area", antialias=True)),
    ((1, 2, 3, 4), dict(size=3, mode="bicubic", recompute_scale_factor=True)),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    shape, kwargs = ERRORS[index]
    raises_like(lambda: F.interpolate(nt.ones(*shape), **kwargs),
                lambda: TF.interpolate(torch.ones(*shape), **kwargs))


@pytest.mark.parametrize("shape,mode", [((1, 2, 3, 4), "bicubic"), ((1, 2, 3), "area"),
                                        ((1, 2, 3, 4), "area"), ((1, 2, 3, 4, 5), "area")])
def test_integer_input_errors(shape, mode):
    for dtype in ("long", "int32"):
        raises_like(lambda: F.interpolate(nt.ones(*shape, dtype=getattr(nt, dtype)), size=2,
                                          mode=mode),
                    lambda: TF.interpolate(torch.ones(*shape, dtype=getattr(torch, dtype)),
                                           size=2, mode=mode))
