"""The fused softmax / log_softmax against torch: every dim of random shapes, non-contiguous
inputs, float32/float64/float16, extreme values (stability), infinities and NaN, the dtype
argument, the Tensor and torch. forms, cross_entropy's graph; gradcheck and
gradgradcheck of SoftmaxBackward0 / LogSoftmaxBackward0."""
import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, assert_close, randn, torch

F_nt, F_t = nt.nn.functional, torch.nn.functional


def _layout(lib, a, layout):
    if layout == "permuted" and a.ndim >= 2:
        dims = tuple(range(a.ndim - 1, -1, -1))
        return lib.tensor(np.ascontiguousarray(a.transpose(dims))).permute(*dims)
    if layout == "sliced" and a.ndim >= 1:
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
        wide[..., ::2] = a
        return lib.tensor(wide)[..., ::2]
    return lib.tensor(a)


def run_softmax(name, x, dim, layout="contiguous", tol=1e-6, **kw):
    out = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        xt = _layout(lib, x, layout).detach().requires_grad_(True)
        y = getattr(F, name)(xt, dim, **kw)
        g = randn(*y.shape, seed=3, dtype=np.float64).astype(arr(y).dtype)
        y.backward(lib.tensor(g))
        out.append((y, xt.grad))
    (y_n, g_n), (y_t, g_t) = out
    assert_close(y_n, y_t, atol=tol, rtol=tol, msg="output")
    assert str(y_n.dtype) == str(y_t.dtype)
    assert y_n.is_contiguous()
    assert_close(g_n, g_t, atol=tol * 10, rtol=tol * 10, msg="gradient")
    assert type(y_n.grad_fn).__name__ == type(y_t.grad_fn).__name__


SHAPES = [(7,), (4, 5), (3, 4, 5), (2, 3, 70, 2), (130, 3)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["contiguous", "permuted", "sliced"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_every_dim(name, shape, layout, dtype):
    x = randn(*shape, seed=len(shape), dtype=dtype) * 3
    for dim in range(-len(shape), len(shape)):
        run_softmax(name, x, dim, layout, tol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_is_stable_and_propagates_special_values(name):
    x = np.array([[1000.0, 999.0, -1000.0], [-1e30, 0.0, 1e30], [-np.inf, 0.0, 1.0],
                  [-np.inf, -np.inf, -np.inf], [np.nan, 1.0, 2.0], [np.inf, 1.0, 2.0],
                  [88.0, 89.0, 90.0]], dtype=np.float32)
    got, want = getattr(F_nt, name)(nt.tensor(x), 1), getattr(F_t, name)(torch.tensor(x), 1)
    np.testing.assert_allclose(arr(got), arr(want), rtol=1e-6, atol=1e-6)
    assert np.isfinite(arr(got)[:3]).all() or name == "log_softmax"


def test_softmax_0d_empty_and_large_rows():
    run_softmax("softmax", np.array(2.5), 0)
    run_softmax("log_softmax", np.array(-1.5), -1)
    for lib, F in ((nt, F_nt), (torch, F_t)):
        assert tuple(F.softmax(lib.zeros(2, 0), 1).shape) == (2, 0)
        assert tuple(F.log_softmax(lib.zeros(0, 3), 1).shape) == (0, 3)
    run_softmax("softmax", randn(300, 200, seed=2), 1, tol=1e-6)  # the parallel kernel
    run_softmax("log_softmax", randn(40, 300, 30, seed=3), 1, tol=1e-5)


def test_softmax_dtype_argument_half_and_methods():
    x = randn(3, 4, seed=1)
    for kw in (dict(dtype=nt.float64), {}):
        got = F_nt.softmax(nt.tensor(x), 1, **kw)
        want = F_t.softmax(torch.tensor(x), 1, **({"dtype": torch.float64} if kw else {}))
        assert_close(got, want)
    got = F_nt.log_softmax(nt.tensor(x).half(), 0)
    want = F_t.log_softmax(torch.tensor(x).half(), 0)
    assert got.dtype is nt.float16
    np.testing.assert_allclose(arr(got).astype(np.float32), arr(want).astype(np.float32), atol=2e-3)
    assert_close(nt.tensor(x).softmax(0), torch.tensor(x).softmax(0))
    assert_close(nt.tensor(x).log_softmax(dim=1), torch.tensor(x).log_softmax(dim=1))
    assert_close(nt.softmax(nt.tensor(x), -1), torch.softmax(torch.tensor(x), -1))
    assert_close(nt.log_softmax(nt.tensor(x), 0), torch.log_softmax(torch.tensor(x), 0))
    assert_close(nt.nn.Softmax(1)(nt.tensor(x)), torch.nn.Softmax(1)(torch.tensor(x)))
    with pytest.raises(NotImplementedError, match="softmax_lastdim_kernel_impl"):
        F_nt.softmax(nt.tensor([[1, 2]]), 1)
    with pytest.raises(IndexError, match="Dimension out of range"):
        F_nt.softmax(nt.tensor(x), 2)


def test_cross_entropy_runs_on_the_fused_log_softmax():
    x = randn(6, 5, seed=4, dtype=np.float64)
    target = np.array([0, 4, 2, 2, 1, 3])
    out = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        xt = lib.tensor(x, requires_grad=True)
        loss = F.cross_entropy(xt, lib.tensor(target))
        loss.backward()
        out.append((loss, xt.grad, _node_names(loss.grad_fn)))
    assert_close(out[0][0], out[1][0], atol=1e-12)
    assert_close(out[0][1], out[1][1], atol=1e-12)
    assert "LogSoftmaxBackward0" in out[0][2] and "LogSoftmaxBackward0" in out[1][2]


def _node_names(node):
    names, todo = set(), [node]
    while todo:
        n = todo.pop()
        if n is not None and type(n).__name__ not in names:
            names.add(type(n).__name__)
            todo += [f for f, _ in n.next_functions]
    return names


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, 2])
def test_softmax_gradcheck_and_gradgradcheck(name, dim):
    x = nt.tensor(randn(3, 4, 5, seed=dim, dtype=np.float64), requires_grad=True)
    fn = lambda x: getattr(F_nt, name)(x, dim)  # noqa: E731
    assert nt.autograd.gradcheck(fn, (x,))
    assert nt.autograd.gradgradcheck(fn, (x,))


def test_softmax_backward_detects_in_place_change_of_its_result():
    y = F_nt.softmax(nt.randn(3, 4, requires_grad=True), 1)
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
