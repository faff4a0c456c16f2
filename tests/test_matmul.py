"""Matrix products (@, matmul, mm, mv, bmm, dot, outer, inner) against PyTorch."""
import numpy as np
import pytest

import torch  # noqa: E402  (required: CI fails without the oracle)

import numtensor as nt  # noqa: E402
from numtensor.autograd import gradcheck  # noqa: E402

RNG = np.random.default_rng(0)


def pair(shape, dtype="float64", transposed=False):
    """The same values as a numtensor and a torch tensor; transposed: a .mT view of a
    contiguous tensor (a column-major operand)."""
    if dtype.startswith("int"):
        arr = RNG.integers(-5, 6, size=shape).astype(dtype)
    else:
        arr = RNG.standard_normal(shape).astype(dtype)
    if transposed and len(shape) >= 2:
        base = np.ascontiguousarray(np.swapaxes(arr, -1, -2))
        return nt.from_numpy(base.copy()).mT, torch.from_numpy(base.copy()).mT
    return nt.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def same(ours, theirs, tol=1e-10):
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    a, b = ours.numpy(), theirs.numpy()
    if a.dtype.kind in "iub":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# every rank combination matmul dispatches on, with batch broadcasting
SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
    ((2, 2, 3), (3, 4)), ((2, 2, 3), (3,)), ((2, 3), (2, 3, 4)), ((3,), (2, 3, 4)),
    ((2, 2, 3), (2, 3, 4)), ((2, 1, 2, 3), (5, 3, 4)), ((4,), (2, 4, 3)),
    ((1, 2, 3), (3, 2)), ((1, 2, 3), (4, 3, 2)), ((3, 1, 2, 3), (1, 2, 3, 1)),
    ((0, 2, 3), (3, 4)), ((2, 0), (0, 3)), ((2, 3, 0), (2, 0, 4)),
]


@pytest.mark.parametrize("sa,sb", SHAPES)
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_float64(sa, sb, ta, tb):
    a, pa = pair(sa, transposed=ta)
    b, pb = pair(sb, transposed=tb)
    same(a @ b, pa @ pb)
    same(nt.matmul(a, b), torch.matmul(pa, pb))


@pytest.mark.parametrize("sa,sb", SHAPES[:11])
def test_matmul_int64_exact(sa, sb):
    a, pa = pair(sa, "int64", transposed=True)
    b, pb = pair(sb, "int64", transposed=True)
    same(a @ b, pa @ pb)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int32", "int8", "uint8"])
def test_matmul_other_dtypes(dtype):
    if dtype == "uint8":
        arr_a = RNG.integers(0, 255, size=(2, 3, 5)).astype(dtype)
        arr_b = RNG.integers(0, 255, size=(5, 4)).astype(dtype)
        a, pa = nt.from_numpy(arr_a), torch.from_numpy(arr_a)
        b, pb = nt.from_numpy(arr_b), torch.from_numpy(arr_b)
    else:
        a, pa = pair((2, 3, 5), dtype)
        b, pb = pair((5, 4), dtype)
    tol = {"float32": 1e-5, "float16": 1e-2}.get(dtype, 0)
    same(a @ b, pa @ pb, tol)  # integers wrap like PyTorch's (uint8, int8)
    same(nt.mm(a[0], b), torch.mm(pa[0], pb), tol)


def test_sliced_and_strided_operands():
    a, pa = pair((6, 7))
    b, pb = pair((8, 6))
    same(a[::2, 1:5] @ b[1:5, ::2], pa[::2, 1:5] @ pb[1:5, ::2])
    same(a[:, 2] @ b[:, :6].t(), pa[:, 2] @ pb[:, :6].t())
    same(nt.mv(a[1:4, ::2], b[::2, 0]), torch.mv(pa[1:4, ::2], pb[::2, 0]))
    ai, pai = pair((6, 7), "int64")
    bi, pbi = pair((7, 6), "int64")
    same(ai[::2].t() @ bi[::2, ::3][:3], pai[::2].t() @ pbi[::2, ::3][:3])
    # expanded (stride-0) operands
    v, pv = pair((3,))
    same(v.expand(4, 3) @ a[:3, :5], pv.expand(4, 3) @ pa[:3, :5])


def test_mm_mv_bmm_dot_outer_inner():
    a, pa = pair((2, 3))
    b, pb = pair((3, 4))
    v, pv = pair((3,))
    w, pw = pair((3,))
    x, px = pair((5, 2, 3))
    y, py = pair((5, 3, 4))
    same(nt.mm(a, b), torch.mm(pa, pb))
    same(a.mm(b), pa.mm(pb))
    same(nt.mv(a, v), torch.mv(pa, pv))
    same(nt.bmm(x, y), torch.bmm(px, py))
    same(nt.dot(v, w), torch.dot(pv, pw))
    same(v.dot(w), pv.dot(pw))
    same(nt.outer(v, a[0]), torch.outer(pv, pa[0]))
    same(nt.ger(v, w), torch.ger(pv, pw))
    same(nt.inner(v, w), torch.inner(pv, pw))
    same(nt.inner(x, a), torch.inner(px, pa))
    same(nt.inner(a, nt.tensor(2.0, dtype=nt.float64)),
         torch.inner(pa, torch.tensor(2.0, dtype=torch.float64)))
    same(nt.dot(nt.tensor([1, 2, 3]), nt.tensor([4, 5, 6])),
         torch.dot(torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])))
    same(nt.outer(nt.ones(2), nt.ones(3, dtype=nt.int64)),
         torch.outer(torch.ones(2), torch.ones(3, dtype=torch.int64)))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch's own __array_wrap__ notice
def test_numpy_and_python_operands_of_the_operator():
    a, pa = pair((2, 3))
    b = RNG.standard_normal((3, 2))
    same(a @ b, pa @ b)  # an ndarray on the right is converted, as in PyTorch
    for left, right in ((b.T, a), (a, 2), (a, [1.0, 2.0, 3.0])):
        with pytest.raises(TypeError) as ours:
            left @ right
        with pytest.raises(TypeError) as theirs:
            (pa if left is a else left) @ (pa if right is a else right)
        assert str(ours.value) == str(theirs.value)


# ---- errors: type and wording as PyTorch --------------------------------------------------
def _error_of(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - we compare the exception itself
        return type(e).__name__, str(e)
    return None


ERROR_CASES = [
    lambda t: t.mm(t.ones(2, 3), t.ones(2, 3)),
    lambda t: t.ones(2, 3) @ t.ones(2, 3),
    lambda t: t.mm(t.ones(2, 3), t.ones(2, 3, dtype=t.float64)),
    lambda t: t.mm(t.ones(2, 3), t.ones(3, 2, dtype=t.float64)),
    lambda t: t.mm(t.ones(2, 3, dtype=t.int32), t.ones(3, 2, dtype=t.int64)),
    lambda t: t.mm(t.ones(2, 3, dtype=t.float16), t.ones(3, 2)),
    lambda t: t.mm(t.ones(3), t.ones(3, 3)),
    lambda t: t.mm(t.ones(2, 3), t.ones(3)),
    lambda t: t.mm(t.ones(2, 2, dtype=t.bool), t.ones(2, 2, dtype=t.bool)),
    lambda t: t.mv(t.ones(2, 3), t.ones(4)),
    lambda t: t.mv(t.ones(3), t.ones(3)),
    lambda t: t.mv(t.ones(3, 3), t.ones(3, 3)),
    lambda t: t.mv(t.ones(2, 3), t.ones(3, dtype=t.float64)),
    lambda t: t.mv(t.ones(2, 3, dtype=t.float64), t.ones(3)),
    lambda t: t.mv(t.ones(2, 2, dtype=t.bool), t.ones(2, dtype=t.bool)),
    lambda t: t.dot(t.ones(3), t.ones(4)),
    lambda t: t.dot(t.ones(3), t.ones(3, dtype=t.float64)),
    lambda t: t.dot(t.ones(3, 3), t.ones(3)),
    lambda t: t.dot(t.ones(3, dtype=t.bool), t.ones(3, dtype=t.bool)),
    lambda t: t.bmm(t.ones(3, 3), t.ones(3, 3)),
    lambda t: t.bmm(t.ones(2, 3, 3), t.ones(3, 3)),
    lambda t: t.bmm(t.ones(2, 3, 3), t.ones(3, 3, 3)),
    lambda t: t.bmm(t.ones(2, 3, 3), t.ones(2, 4, 3)),
    lambda t: t.bmm(t.ones(2, 3, 3), t.ones(2, 3, 3, dtype=t.float64)),
    lambda t: t.bmm(t.ones(2, 2, 2, dtype=t.bool), t.ones(2, 2, 2, dtype=t.bool)),
    lambda t: t.ones(2, 3, 4) @ t.ones(3, 3, 4),
    lambda t: t.ones(2, 3, 4) @ t.ones(5, 3),
    lambda t: t.ones(2, 3, 4) @ t.ones(5),
    lambda t: t.ones(2, 3, 4) @ t.ones(2, 5, 6),
    lambda t: t.ones(2, 3) @ t.ones(2, 4, 5),
    lambda t: t.ones(4) @ t.ones(2, 5, 6),
    lambda t: t.ones(3) @ t.ones(4),
    lambda t: t.ones(3) @ t.ones(4, 2),
    lambda t: t.ones(2, 3) @ t.ones(4),
    lambda t: t.tensor(1.) @ t.ones(4),
    lambda t: t.ones(4) @ t.tensor(1.),
    lambda t: t.ones(2, 3) @ t.ones(3, 2, dtype=t.float64),
    lambda t: t.ones(2, 2, 3) @ t.ones(3, 2, dtype=t.float64),
    lambda t: t.ones(2, 2, 3) @ t.ones(2, 3, 2, dtype=t.float64),
    lambda t: t.ones(2, 3, dtype=t.float64) @ t.ones(2, 3, 2),
    lambda t: t.ones(2, 2, 3) @ t.ones(3, dtype=t.float64),
    lambda t: t.ones(3) @ t.ones(3, dtype=t.float64),
    lambda t: t.ones(2, 2, 2, dtype=t.bool) @ t.ones(2, 2, 2, dtype=t.bool),
    lambda t: t.outer(t.ones(2, 3), t.ones(3)),
    lambda t: t.outer(t.ones(3), t.ones(2, 3)),
    lambda t: t.inner(t.ones(2, 3), t.ones(4)),
]


@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_errors_match_torch(case):
    fn = ERROR_CASES[case]
    expected = _error_of(fn, torch)
    assert expected is not None
    assert _error_of(fn, nt) == expected


# ---- gradients -----------------------------------------------------------------------------
def leaf(shape, transposed=False):
    arr = RNG.standard_normal(shape)
    if transposed:
        base = np.ascontiguousarray(np.swapaxes(arr, -1, -2))
        ours = nt.from_numpy(base.copy()).requires_grad_()
        theirs = torch.from_numpy(base.copy()).requires_grad_()
        return ours, theirs, ours.mT, theirs.mT
    ours = nt.from_numpy(arr.copy()).requires_grad_()
    theirs = torch.from_numpy(arr.copy()).requires_grad_()
    return ours, theirs, ours, theirs


GRAD_CASES = [
    ("matmul", lambda t, a, b: t.matmul(a, b), SHAPES[:11] + [((2, 1, 2, 3), (5, 3, 4))]),
    ("mm", lambda t, a, b: t.mm(a, b), [((2, 3), (3, 4))]),
    ("mv", lambda t, a, b: t.mv(a, b), [((2, 3), (3,))]),
    ("bmm", lambda t, a, b: t.bmm(a, b), [((2, 2, 3), (2, 3, 4))]),
    ("dot", lambda t, a, b: t.dot(a, b), [((3,), (3,))]),
    ("outer", lambda t, a, b: t.outer(a, b), [((3,), (2,))]),
    ("inner", lambda t, a, b: t.inner(a, b), [((2, 3), (4, 3)), ((3,), (3,))]),
]
GRAD_PARAMS = [(name, fn, sa, sb) for name, fn, shapes in GRAD_CASES for sa, sb in shapes]


@pytest.mark.parametrize("name,fn,sa,sb", GRAD_PARAMS,
                         ids=[f"{p[0]}-{p[2]}-{p[3]}" for p in GRAD_PARAMS])
def test_gradients_match_torch_and_gradcheck(name, fn, sa, sb):
    a, pa, a_in, pa_in = leaf(sa, transposed=len(sa) >= 2)
    b, pb, b_in, pb_in = leaf(sb)
    out, pout = fn(nt, a_in, b_in), fn(torch, pa_in, pb_in)
    assert out.grad_fn.name() == pout.grad_fn.name()
    gout = RNG.standard_normal(tuple(pout.shape))
    out.backward(nt.from_numpy(gout.copy()))
    pout.backward(torch.from_numpy(gout.copy()))
    same(a.grad, pa.grad)
    same(b.grad, pb.grad)
    assert gradcheck(lambda x, y: fn(nt, x, y), (a_in.detach().requires_grad_(),
                                                 b_in.detach().requires_grad_()))


@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3, 4)), ((2, 3), (3,)),
                                   ((3,), (3, 4)), ((2, 2, 3), (3, 4)), ((2, 2, 3), (2, 3, 4)),
                                   ((2, 1, 2, 3), (5, 3, 4)), ((3,), (2, 3, 4)),
                                   ((2, 3), (2, 3, 4))])
def test_matmul_grad_fn_names(sa, sb):
    # PyTorch's path (and so the node name) depends on which operand requires grad
    for a_grad, b_grad in ((True, True), (True, False), (False, True)):
        a, pa, _, _ = leaf(sa)
        b, pb, _, _ = leaf(sb)
        a.requires_grad_(a_grad), pa.requires_grad_(a_grad)
        b.requires_grad_(b_grad), pb.requires_grad_(b_grad)
        assert (a @ b).grad_fn.name() == (pa @ pb).grad_fn.name()


def test_matmul_of_non_foldable_batch_matches_torch():
    a, pa = pair((4, 2, 3))
    b, pb = pair((3, 5))
    same(a.transpose(0, 1) @ b, pa.transpose(0, 1) @ pb)  # batch dims not mergeable
    ta, tpa, _, _ = leaf((4, 2, 3))
    out, pout = ta.transpose(0, 1) @ b, tpa.transpose(0, 1) @ pb
    assert out.grad_fn.name() == pout.grad_fn.name()
    g = RNG.standard_normal(tuple(pout.shape))
    out.backward(nt.from_numpy(g.copy()))
    pout.backward(torch.from_numpy(g.copy()))
    same(ta.grad, tpa.grad)


def test_no_grad_and_integer_results_have_no_history():
    a, _, _, _ = leaf((2, 3))
    b, _, _, _ = leaf((3, 2))
    with nt.no_grad():
        assert (a @ b).grad_fn is None
    assert (nt.ones(2, 3, dtype=nt.int64) @ nt.ones(3, 2, dtype=nt.int64)).grad_fn is None


# ---- lecture snippets ----------------------------------------------------------------------
def test_lecture_fleuret_mv_and_matmul():
    x = nt.tensor([10., 20., 30.])
    m = nt.tensor([[0., 0., 3.], [0., 2., 0.], [1., 0., 0.]])
    assert repr(m.mv(x)) == "tensor([90., 40., 10.])"
    assert repr(m @ x) == "tensor([90., 40., 10.])"


def test_lecture_d2l_products():
    x = nt.arange(3, dtype=nt.float32)
    y = nt.ones(3, dtype=nt.float32)
    assert repr((x, y, nt.dot(x, y))) == \
        "(tensor([0., 1., 2.]), tensor([1., 1., 1.]), tensor(3.))"
    A = nt.arange(6, dtype=nt.float32).reshape(2, 3)
    assert repr((A.shape, x.shape, nt.mv(A, x), A @ x)) == \
        "(torch.Size([2, 3]), torch.Size([3]), tensor([ 5., 14.]), tensor([ 5., 14.]))"
    B = nt.ones(3, 4)
    pA = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    assert repr((nt.mm(A, B), A @ B)) == repr((torch.mm(pA, torch.ones(3, 4)), pA @ torch.ones(3, 4)))
    xg = nt.arange(4.0, requires_grad=True)
    y = 2 * nt.dot(xg, xg)
    y.backward()
    assert repr(xg.grad) == "tensor([ 0.,  4.,  8., 12.])"
    assert repr(y) == "tensor(28., grad_fn=<MulBackward0>)"


def test_lecture_background_shapes_and_outer():
    a, pa = pair((2, 4), "float32")
    b, pb = pair((4, 3), "float32")
    assert tuple((a @ b).shape) == (2, 3)
    same(a @ b, pa @ pb, 1e-6)
    v, pv = pair((4,), "float32")
    same(a @ v, pa @ pv, 1e-6)
    same(nt.outer(v, v), torch.outer(pv, pv), 1e-6)
    assert repr(nt.outer(nt.tensor([1., 2.]), nt.tensor([1., 2., 3.]))) == \
        repr(torch.outer(torch.tensor([1., 2.]), torch.tensor([1., 2., 3.])))


def test_out_argument():
    a, pa = pair((2, 3))
    b, pb = pair((3, 4))
    out, pout = nt.empty(2, 4, dtype=nt.float64), torch.empty(2, 4, dtype=torch.float64)
    r = nt.mm(a, b, out=out)
    torch.mm(pa, pb, out=pout)
    assert r is out
    same(out, pout)
    out = nt.empty(0, dtype=nt.float64)
    nt.matmul(a, b, out=out)
    same(out, pa @ pb)


@pytest.mark.parametrize("ta,tb", [(False, False), (False, True), (True, False), (True, True)])
@pytest.mark.parametrize("sa,sb", [((4, 3), (3, 5)), ((1, 3), (3, 5)), ((4, 3), (3, 1))])
def test_mm_gradients_are_laid_out_like_torchs(sa, sb, ta, tb):
    # the gradient of a transposed operand (W.t() in linear) comes out transposed, so the
    # parameter's own .grad is contiguous: same strides as PyTorch's, same values
    a, pa = pair(sa, transposed=ta)
    b, pb = pair(sb, transposed=tb)
    for x in (a, b, pa, pb):
        x.requires_grad_()
    gout = RNG.standard_normal((sa[0], sb[1]))
    a.mm(b).backward(nt.from_numpy(gout.copy()))
    pa.mm(pb).backward(torch.from_numpy(gout.copy()))
    for ours, theirs in ((a.grad, pa.grad), (b.grad, pb.grad)):
        same(ours, theirs)
        assert ours.stride() == theirs.stride()


def test_linear_weight_grad_is_contiguous_as_torchs():
    w = RNG.standard_normal((4, 3)).astype("float32")
    x = RNG.standard_normal((5, 3)).astype("float32")
    ours, theirs = nt.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    nt.nn.functional.linear(nt.tensor(x), ours).sum().backward()
    torch.nn.functional.linear(torch.tensor(x), theirs).sum().backward()
    assert ours.grad.stride() == theirs.grad.stride() == (3, 1)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-6)


# ---- addmm: a Linear layer's product and bias in one node --------------------------------
@pytest.mark.parametrize("bias_shape", [(2,), (1, 2), (4, 2), (), (1,), (4, 1), (1, 1)])
@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2.0), (0, 1)])
def test_addmm_matches_torch(bias_shape, beta, alpha):
    import torch
    rng = np.random.default_rng(3)
    b, a1, a2 = rng.standard_normal(bias_shape), rng.standard_normal((4, 3)), rng.standard_normal((2, 3))
    g = rng.standard_normal((4, 2))
    res = []
    for L in (nt, torch):
        tb, t1, t2 = (L.tensor(v, requires_grad=True) for v in (b, a1, a2))
        y = L.addmm(tb, t1, t2.t(), beta=beta, alpha=alpha)
        y.backward(L.tensor(g))
        res.append((y, tb.grad, t1.grad, t2.grad))
    (y, *grads), (ty, *tgrads) = res
    assert y.grad_fn.name() == ty.grad_fn.name() == "AddmmBackward0"
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    for u, v in zip(grads, tgrads):
        np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=1e-12, atol=1e-12)
        assert u.stride() == v.stride()


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "float16"])
def test_addmm_accumulating_into_its_input_matches_torch(dtype):
    # alpha = beta = 1 (a Linear layer's bias): the product is added to a copy of input
    import torch
    rng = np.random.default_rng(5)
    for m, k, n in [(3, 4, 5), (128, 300, 256), (7, 0, 3)]:
        a1, a2 = rng.standard_normal((k, m)), rng.standard_normal((n, k))
        for bias in (rng.standard_normal(n), rng.standard_normal((m, 1)),
                     rng.standard_normal((n, m)), rng.standard_normal(())):
            res = []
            for L in (nt, torch):
                dt = getattr(L, dtype)
                tb = L.tensor(bias).to(dt)
                tb = tb.t() if tb.ndim == 2 and tb.shape[1] == m else tb  # a strided input
                y = L.addmm(tb, L.tensor(a1).to(dt).t(), L.tensor(a2).to(dt).t())
                res.append(y.to(L.complex128).numpy())
            tol = 2e-2 if dtype == "float16" else 1e-5 if dtype != "float64" else 1e-12
            np.testing.assert_allclose(res[0], res[1], rtol=tol, atol=tol * max(1, k))


def test_addmm_gradcheck_and_errors():
    import torch
    from numtensor.autograd import gradcheck, gradgradcheck
    rng = np.random.default_rng(4)
    ts = tuple(nt.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2,), (4, 3), (3, 2)))
    f = lambda i, m1, m2: nt.addmm(i, m1, m2, beta=0.5, alpha=2.0)  # noqa: E731
    assert gradcheck(f, ts) and gradgradcheck(f, ts)
    for call in (lambda L: L.addmm(L.ones(3), L.ones(4, 3), L.ones(3, 2)),
                 lambda L: L.addmm(L.ones(2, dtype=L.float64), L.ones(4, 3), L.ones(3, 2)),
                 lambda L: L.addmm(L.ones(2), L.ones(4, 3), L.ones(2, 2)),
                 lambda L: L.ones(2).addmm(L.ones(4, 3), L.ones(3, 2), beta=2)):
        outcome = []
        for L in (nt, torch):
            try:
                r = call(L)
                outcome.append(r.tolist())
            except Exception as e:
                outcome.append((type(e).__name__, str(e)))
        assert outcome[0] == outcome[1]


def test_linear_node_names_as_torch():
    import torch
    for shape in [(4, 3), (3,), (2, 4, 3)]:
        names = [L.nn.functional.linear(L.ones(shape), L.ones(2, 3, requires_grad=True),
                                        L.ones(2, requires_grad=True)).grad_fn.name()
                 for L in (nt, torch)]
        assert names[0] == names[1]


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64"])
@pytest.mark.parametrize("m,k,n", [(4, 3, 5), (64, 64, 64), (128, 128, 128), (1, 50, 7)])
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True)])
def test_repeated_small_products_of_one_geometry_match_torch(dtype, m, k, n, ta, tb,
                                                            monkeypatch):
    """A product's kernel call is kept per plan (the CPU backend's _kept_products):
    later products of the geometry, on other buffers, into fresh outputs and added to
    existing ones (addmm, alpha = beta = 1) take it; 128 x 128 x 128 float64 runs as
    packed blocks of columns, float32 split over the threads on numtensor's own kernel
    (serially on one thread)."""
    from numtensor._backends import cpu
    # no borrowing of a parallel twin compiled by an earlier test in this process: the
    # serial kernel runs (and is kept) from the first product, whatever ran before
    monkeypatch.setattr(cpu, "BORROWED_CALLS", 0)
    rng = np.random.default_rng(m * 7 + n)
    for call in range(3):
        a, ta_ = pair((m, k), dtype, ta)
        b, tb_ = pair((k, n), dtype, tb)
        bias = rng.standard_normal((m, n)).astype(dtype)
        same(a @ b, ta_ @ tb_, tol=1e-4)
        same(nt.addmm(nt.from_numpy(bias.copy()), a, b),
             torch.addmm(torch.from_numpy(bias.copy()), ta_, tb_), tol=1e-4)
        if call == 0:
            kept = len(cpu._kept_products)
    assert kept > 0 and any(plan.m == m and plan.k == k and plan.n == n
                            for plan, _ in cpu._kept_products.values())
