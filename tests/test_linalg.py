"""numtensor.linalg against PyTorch and against the identities that define each result."""
import numpy as np
import pytest

import torch  # noqa: E402  (required: CI fails without the oracle)

import numtensor as nt  # noqa: E402
from numtensor.autograd import gradcheck  # noqa: E402

RNG = np.random.default_rng(1)


def well_conditioned(shape, dtype="float64"):
    """Random square matrices with a dominant diagonal (safely invertible)."""
    a = RNG.standard_normal(shape)
    a = a + 3 * np.eye(shape[-1])
    return a.astype(dtype)


def symmetric_pd(shape, dtype="float64"):
    a = RNG.standard_normal(shape)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def both(arr):
    return nt.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def close(ours, expected, tol=1e-10):
    expected = expected.numpy() if hasattr(expected, "numpy") else np.asarray(expected)
    assert tuple(ours.shape) == expected.shape
    np.testing.assert_allclose(ours.numpy(), expected, rtol=tol, atol=tol)


def np_of(t):
    return t.numpy()


# ---- inverse, solve, determinants -----------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 2, 2), (0, 3, 3)])
def test_inv_is_inverse(shape):
    a = well_conditioned(shape)
    A, pA = both(a)
    Ai = nt.linalg.inv(A)
    eye = np.broadcast_to(np.eye(shape[-1]), shape)
    np.testing.assert_allclose(np_of(A @ Ai), eye, atol=1e-10)
    close(Ai, torch.linalg.inv(pA))
    close(nt.inverse(A), torch.inverse(pA))
    close(A.inverse(), pA.inverse())


def test_inv_of_transposed_view_and_float32():
    a = well_conditioned((4, 4), "float32")
    A, pA = both(a)
    out = nt.linalg.inv(A.t())
    assert out.dtype is nt.float32
    close(out, torch.linalg.inv(pA.t()), 1e-5)


@pytest.mark.parametrize("sa,sb", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)),
                                   ((2, 3, 3), (2, 3)), ((2, 3, 3), (3, 2)),
                                   ((2, 3, 3), (4, 2, 3, 1)), ((1, 3, 3), (2, 3, 2))])
def test_solve_shapes_and_identity(sa, sb):
    A, pA = both(well_conditioned(sa))
    B, pB = both(RNG.standard_normal(sb))
    X = nt.linalg.solve(A, B)
    close(X, torch.linalg.solve(pA, pB))
    # PyTorch's rule: B is a (batch of) vector(s) when it is 1-D or has A's batch shape
    vector = len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])
    a, x = np_of(A), np_of(X)
    AX = (a @ x[..., None])[..., 0] if vector else a @ x
    np.testing.assert_allclose(AX, np.broadcast_to(np_of(B), AX.shape), atol=1e-10)


def test_solve_left_false():
    A, pA = both(well_conditioned((3, 3)))
    B, pB = both(RNG.standard_normal((2, 3)))
    close(nt.linalg.solve(A, B, left=False), torch.linalg.solve(pA, pB, left=False))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)])
def test_det_and_slogdet(shape):
    A, pA = both(RNG.standard_normal(shape))
    close(nt.linalg.det(A), torch.linalg.det(pA))
    close(nt.det(A), torch.det(pA))
    close(A.det(), pA.det())
    s, la = nt.linalg.slogdet(A)
    ps, pla = torch.linalg.slogdet(pA)
    close(s, ps)
    close(la, pla)


def test_det_of_singular_is_zero():
    assert nt.linalg.det(nt.zeros(3, 3)).item() == 0.0
    r = nt.linalg.slogdet(nt.zeros(2, 2))
    assert repr(r) == repr(torch.linalg.slogdet(torch.zeros(2, 2)))


SINGULAR = [
    [[1., 2], [2, 4]],                          # rank n-1
    [[1., 0, 0], [0, 1, 0], [0, 0, 0]],         # rank n-1, a zero pivot
    [[1., 2, 3], [4, 5, 6], [7, 8, 9]],         # rank n-1, det rounds to exactly 0
    [[1., 1, 0], [1, 1, 0], [0, 0, 0]],         # rank n-2: every cofactor is 0
    [[[1., 2], [2, 4]], [[1, 2], [3, 4]]],      # a batch: one singular, one invertible
    [[[0., 0], [0, 0]], [[3, 1], [1, 2]]],
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("case", range(len(SINGULAR)))
def test_det_gradient_at_singular_matrices(case, create_graph, dtype):
    # PyTorch: zeros where det(A) == 0 in a plain backward; under create_graph the
    # cofactor matrix (det(A) A^-T continued to singular A), zero when the rank is < n-1
    a = np.array(SINGULAR[case], dtype=dtype)
    (A,), (pA,) = _leaves(a)
    d, pd = nt.linalg.det(A), torch.linalg.det(pA)
    close(d.detach(), pd.detach(), 1e-12 if dtype == "float64" else 1e-5)
    assert ((d.detach().numpy() == 0) == (pd.detach().numpy() == 0)).all()  # exact zeros
    weights = [float(k + 1) for k in range(d.numel())]  # a different g per batch element
    grad, = nt.autograd.grad((d.reshape(-1) * nt.tensor(weights, dtype=d.dtype)).sum(), A,
                             create_graph=create_graph)
    pgrad, = torch.autograd.grad((pd.reshape(-1) * torch.tensor(weights, dtype=pd.dtype)).sum(),
                                 pA, create_graph=create_graph)
    close(grad.detach(), pgrad.detach(), 1e-12 if dtype == "float64" else 1e-5)
    assert grad.requires_grad == pgrad.requires_grad


def test_det_gradient_at_a_singular_matrix_is_finite_in_backward():
    A = nt.tensor([[1., 2], [2, 4]], requires_grad=True)
    (nt.linalg.det(A) * 3).backward()
    assert A.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]


# ---- least squares ---------------------------------------------------------------------------
@pytest.mark.parametrize("sa,sb", [((5, 3), (5, 2)), ((5, 3), (5,)), ((2, 4), (2, 3)),
                                   ((2, 5, 3), (2, 5, 1)), ((2, 5, 3), (1, 5, 2)),
                                   ((2, 5, 3), (2, 5))])
def test_lstsq_solution_satisfies_normal_equations(sa, sb):
    A, pA = both(RNG.standard_normal(sa))
    B, pB = both(RNG.standard_normal(sb))
    r = nt.linalg.lstsq(A, B)
    pr = torch.linalg.lstsq(pA, pB)
    close(r.solution, pr.solution)
    assert repr(r.residuals) == repr(pr.residuals)
    assert repr(r.rank) == repr(pr.rank)
    assert repr(r.singular_values) == repr(pr.singular_values)
    X = r.solution
    vector = len(sb) == len(sa) - 1
    X2 = X.unsqueeze(-1) if vector else X
    B2 = B.unsqueeze(-1) if vector else B
    if sa[-2] >= sa[-1]:  # over-determined: A^T (A X - B) = 0
        close(A.mT @ (A @ X2 - B2), np.zeros(tuple((A.mT @ B2).shape)))
    else:  # under-determined: exact fit, minimum norm (X in the row space of A)
        close(A @ X2, np.broadcast_to(np_of(B2), tuple((A @ X2).shape)))


def test_lstsq_rank_deficient_minimum_norm():
    A, pA = both(np.array([[1., 2], [2, 4], [3, 6]]))
    B, pB = both(np.ones((3, 1)))
    r, pr = nt.linalg.lstsq(A, B), torch.linalg.lstsq(pA, pB)
    close(r.solution, pr.solution)
    assert r.rank.item() == 1


def test_lstsq_gelsd_fills_residuals_and_singular_values():
    A, pA = both(RNG.standard_normal((5, 3)))
    B, pB = both(RNG.standard_normal((5, 2)))
    r = nt.linalg.lstsq(A, B, driver="gelsd")
    pr = torch.linalg.lstsq(pA, pB, driver="gelsd")
    for ours, theirs in zip(r, pr):
        close(ours, theirs)
    assert type(r).__name__ == "linalg_lstsq"
    assert repr(r).startswith("torch.return_types.linalg_lstsq(\nsolution=tensor(")


def test_lecture_gels_then_mm():
    nt.manual_seed(0)
    y = nt.empty(3).normal_()
    m = nt.empty(3, 3).normal_()
    q = nt.linalg.lstsq(m, y.unsqueeze(1)).solution  # torch.gels(y, m) in the lecture
    np.testing.assert_allclose(np_of(nt.mm(m, q)), np_of(y.unsqueeze(1)), atol=1e-5)


BLOOD_PRESSURE = [(39, 144), (47, 220), (45, 138), (47, 145), (65, 162), (46, 142), (67, 170),
                  (42, 124), (67, 158), (56, 154), (64, 162), (56, 150), (59, 140), (34, 110),
                  (42, 128)]


def test_lecture_blood_pressure_regression():
    def fit(lib):
        data = lib.tensor(np.array(BLOOD_PRESSURE, dtype=np.float64))
        nb_samples = data.size(0)
        x, y = lib.empty(nb_samples, 2), lib.empty(nb_samples, 1)
        x[:, 0] = data[:, 0]
        x[:, 1] = 1
        y[:, 0] = data[:, 1]
        alpha = lib.linalg.lstsq(x, y).solution
        return alpha[0, 0].item(), alpha[1, 0].item()
    a, b = fit(nt)
    pa, pb = fit(torch)
    assert a == pytest.approx(pa, rel=1e-5) and b == pytest.approx(pb, rel=1e-5)
    assert (round(a, 4), round(b, 4)) == (1.0474, 95.6125)


# ---- eigen-decompositions --------------------------------------------------------------------
@pytest.mark.parametrize("dtype,cdtype", [("float32", nt.complex64), ("float64", nt.complex128)])
def test_eig_defining_identity(dtype, cdtype):
    a = RNG.standard_normal((2, 4, 4)).astype(dtype)
    A, pA = both(a)
    L, V = nt.linalg.eig(A)
    assert L.dtype is cdtype and V.dtype is cdtype
    tol = 1e-4 if dtype == "float32" else 1e-10
    Ac = a.astype(np.complex128)
    lhs = Ac @ np_of(V).astype(np.complex128)
    rhs = np_of(V) * np_of(L)[..., None, :]
    np.testing.assert_allclose(lhs, rhs, atol=tol)
    pL = torch.linalg.eigvals(pA)
    np.testing.assert_allclose(np.sort_complex(np_of(nt.linalg.eigvals(A)).ravel()),
                               np.sort_complex(pL.numpy().ravel()), atol=tol)


def test_eig_prints_like_torch():
    for m in ([[0., 1], [-1, 0]], [[2., 1], [1, 2]], [[1., 2, 0], [0, 3, 0], [2, -4, 2]]):
        assert repr(nt.linalg.eig(nt.tensor(m))) == repr(torch.linalg.eig(torch.tensor(m)))
        assert repr(nt.linalg.eigvals(nt.tensor(m, dtype=nt.float64))) == \
            repr(torch.linalg.eigvals(torch.tensor(m, dtype=torch.float64)))


def test_eig_of_complex_input():
    a = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    A = nt.from_numpy(a.copy())
    L, V = nt.linalg.eig(A)
    np.testing.assert_allclose(a @ np_of(V), np_of(V) * np_of(L)[None, :], atol=1e-10)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_ascending_orthonormal(uplo):
    a = symmetric_pd((2, 4, 4))
    # only the chosen triangle may be read
    junk = np.triu(RNG.standard_normal((4, 4)), 1) if uplo == "L" else \
        np.tril(RNG.standard_normal((4, 4)), -1)
    A, pA = both(a + junk)
    L, V = nt.linalg.eigh(A, UPLO=uplo)
    pL, _ = torch.linalg.eigh(pA, UPLO=uplo)
    close(L, pL)
    assert np.all(np.diff(np_of(L), axis=-1) >= 0)
    v = np_of(V)
    np.testing.assert_allclose(np.swapaxes(v, -1, -2) @ v, np.broadcast_to(np.eye(4), v.shape),
                               atol=1e-10)
    np.testing.assert_allclose(a @ v, v * np_of(L)[..., None, :], atol=1e-9)
    close(nt.linalg.eigvalsh(A, UPLO=uplo), pL)


# ---- factorisations --------------------------------------------------------------------------
def test_cholesky():
    A, pA = both(symmetric_pd((2, 3, 3)))
    L = nt.linalg.cholesky(A)
    close(L, torch.linalg.cholesky(pA))
    close(L @ L.mT, np_of(A))
    close(nt.linalg.cholesky(A, upper=True), torch.linalg.cholesky(pA, upper=True))


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_qr(shape):
    A, pA = both(RNG.standard_normal(shape))
    Q, R = nt.linalg.qr(A)
    pQ, pR = torch.linalg.qr(pA)
    close(Q, pQ)
    close(R, pR)
    k = min(shape[-2:])
    close(Q.mT @ Q, np.broadcast_to(np.eye(k), tuple((Q.mT @ Q).shape)))
    close(Q @ R, np_of(A))
    assert np.allclose(np.tril(np_of(R), -1), 0)
    assert nt.linalg.qr(A, mode="r").Q.numel() == 0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 2), (4, 1), (3, 3), (2, 4), (3, 0), (2, 0, 3)])
def test_qr_complete(shape, dtype):
    a = RNG.standard_normal(shape).astype(dtype)
    A, pA = both(a)
    Q, R = nt.linalg.qr(A, mode="complete")
    pQ, pR = torch.linalg.qr(pA, mode="complete")
    m, n = shape[-2:]
    assert Q.shape == pQ.shape == shape[:-2] + (m, m)
    assert R.shape == pR.shape == shape[:-2] + (m, n)
    assert Q.dtype == R.dtype == getattr(nt, dtype)
    tol = 1e-12 if dtype == "float64" else 1e-5
    close(Q.mT @ Q, np.broadcast_to(np.eye(m, dtype=dtype), shape[:-2] + (m, m)), tol)
    close(Q @ R, a, tol)
    assert (np.tril(R.numpy(), -1) == 0).all()
    # the same LAPACK reflectors: the same Q (complement columns included) and R
    close(Q, pQ, tol)
    close(R, pR, tol)


@pytest.mark.parametrize("shape,full", [((4, 3), True), ((3, 4), False), ((2, 3, 3), True)])
def test_svd(shape, full):
    A, pA = both(RNG.standard_normal(shape))
    U, S, Vh = nt.linalg.svd(A, full_matrices=full)
    pU, pS, pVh = torch.linalg.svd(pA, full_matrices=full)
    assert U.shape == pU.shape and Vh.shape == pVh.shape
    close(S, pS)
    k = min(shape[-2:])
    us = np_of(U)[..., :, :k] * np_of(S)[..., None, :]
    np.testing.assert_allclose(us @ np_of(Vh)[..., :k, :], np_of(A), atol=1e-10)
    close(nt.linalg.svdvals(A), pS)


def test_norms():
    A, pA = both(RNG.standard_normal((2, 3, 4)))
    v, pv = both(RNG.standard_normal(5))
    for ord_ in (None, 1, 2, float("inf"), 0, 3.5):
        close(nt.linalg.vector_norm(v, 2 if ord_ is None else ord_),
              torch.linalg.vector_norm(pv, 2 if ord_ is None else ord_))
    close(nt.linalg.vector_norm(A, dim=(0, 2), keepdim=True),
          torch.linalg.vector_norm(pA, dim=(0, 2), keepdim=True))
    for ord_ in ("fro", "nuc", 1, -1, 2, -2, float("inf"), float("-inf")):
        close(nt.linalg.matrix_norm(A, ord_), torch.linalg.matrix_norm(pA, ord_))
        close(nt.linalg.matrix_norm(A, ord_, dim=(0, 2), keepdim=True),
              torch.linalg.matrix_norm(pA, ord_, dim=(0, 2), keepdim=True))
    close(nt.linalg.norm(A), torch.linalg.norm(pA))
    close(nt.linalg.norm(A[0], 1), torch.linalg.norm(pA[0], 1))
    close(nt.linalg.norm(v, 1), torch.linalg.norm(pv, 1))
    close(nt.linalg.norm(A, dim=1), torch.linalg.norm(pA, dim=1))
    close(nt.linalg.norm(A, 2, dim=(1, 2)), torch.linalg.norm(pA, 2, dim=(1, 2)))


# ---- errors -------------------------------------------------------------------------------
S = [[1., 2, 3], [2, 4, 6], [1, 0, 1]]

ERROR_CASES = [
    lambda t: t.linalg.inv(t.tensor(S)),
    lambda t: t.inverse(t.zeros(3, 3)),
    lambda t: t.linalg.inv(t.stack([t.eye(3), t.tensor(S)])),
    lambda t: t.linalg.inv(t.ones(2, 3)),
    lambda t: t.linalg.inv(t.ones(3)),
    lambda t: t.linalg.inv(t.ones(3, 3, dtype=t.long)),
    lambda t: t.linalg.inv(t.ones(3, 3, dtype=t.float16)),
    lambda t: t.linalg.solve(t.tensor(S), t.ones(3)),
    lambda t: t.linalg.solve(t.stack([t.eye(3), t.tensor(S)]), t.ones(2, 3)),
    lambda t: t.linalg.solve(t.eye(3), t.ones(4)),
    lambda t: t.linalg.solve(t.eye(3), t.ones(2, 4)),
    lambda t: t.linalg.solve(t.eye(3), t.ones(3, dtype=t.float64)),
    lambda t: t.linalg.cholesky(-t.eye(3)),
    lambda t: t.linalg.cholesky(t.tensor([[1., 2], [2, 1]])),
    lambda t: t.linalg.cholesky(t.stack([t.eye(2), t.tensor([[1., 2], [2, 1]])])),
    lambda t: t.linalg.cholesky(t.ones(2, 3)),
    lambda t: t.linalg.det(t.ones(2, 3)),
    lambda t: t.det(t.ones(3, 3, dtype=t.long)),
    lambda t: t.linalg.eig(t.ones(2, 3)),
    lambda t: t.linalg.eigh(t.ones(2, 3)),
    lambda t: t.linalg.eigvalsh(t.ones(2, 3)),
    lambda t: t.linalg.lstsq(t.ones(5, 3), t.ones(5, 2, dtype=t.float64)),
    lambda t: t.linalg.lstsq(t.ones(5, 3), t.ones(4, 2)),
    lambda t: t.linalg.lstsq(t.ones(2, 5, 3), t.ones(5, 2)),
    lambda t: t.linalg.lstsq(t.ones(3, 2), t.ones(2, 3, 1)),
    lambda t: t.linalg.lstsq(t.ones(3, 2, dtype=t.long), t.ones(3, 1, dtype=t.long)),
    lambda t: t.linalg.lstsq(t.ones(3), t.ones(3)),
    lambda t: t.linalg.matrix_norm(t.ones(3)),
    lambda t: t.linalg.matrix_norm([[1.0]]),
    lambda t: t.linalg.matrix_power(t.ones(3), 2),
    lambda t: t.linalg.matrix_power([[1.0]], 2),
    lambda t: t.linalg.qr(t.ones(3, 2), mode="full"),
    lambda t: t.linalg.norm(t.ones(2, 2, 2), ord=2),
    lambda t: t.linalg.norm(t.ones(3), "fro"),
    lambda t: t.linalg.vector_norm(t.ones(2, dtype=t.long)),
    lambda t: t.linalg.vector_norm(t.ones(3, 3), ord="fro"),
]


def _error_of(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return type(e).__name__, str(e), isinstance(e, RuntimeError)
    return None


@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_errors_match_torch(case):
    expected = _error_of(ERROR_CASES[case], torch)
    assert expected is not None
    assert _error_of(ERROR_CASES[case], nt) == expected


def test_linalg_error_is_a_runtime_error():
    with pytest.raises(nt.linalg.LinAlgError):
        nt.linalg.inv(nt.zeros(2, 2))
    assert issubclass(nt.linalg.LinAlgError, RuntimeError)


# ---- gradients ----------------------------------------------------------------------------
def _leaves(*arrays):
    ours = [nt.from_numpy(a.copy()).requires_grad_() for a in arrays]
    theirs = [torch.from_numpy(a.copy()).requires_grad_() for a in arrays]
    return ours, theirs


GRAD_CASES = [
    ("LinalgInvExBackward0", lambda t, a: t.linalg.inv(a), [(3, 3)]),
    ("LinalgInvExBackward0", lambda t, a: t.inverse(a), [(2, 3, 3)]),
    ("LinalgDetBackward0", lambda t, a: t.linalg.det(a), [(3, 3)]),
    ("LinalgDetBackward0", lambda t, a: t.det(a), [(2, 3, 3)]),
    ("LinalgSlogdetBackward0", lambda t, a: t.linalg.slogdet(a)[1], [(3, 3)]),
    ("LinalgSolveExBackward0", lambda t, a, b: t.linalg.solve(a, b), [(3, 3), (3,)]),
    ("LinalgSolveExBackward0", lambda t, a, b: t.linalg.solve(a, b), [(2, 3, 3), (3, 2)]),
    ("LinalgSolveExBackward0", lambda t, a, b: t.linalg.solve(a, b), [(1, 3, 3), (2, 3, 2)]),
    ("LinalgSolveExBackward0", lambda t, a, b: t.linalg.solve(a, b), [(2, 3, 3), (2, 3)]),
]


@pytest.mark.parametrize("case", range(len(GRAD_CASES)))
def test_gradients(case):
    name, fn, shapes = GRAD_CASES[case]
    arrays = [well_conditioned(shapes[0])] + [RNG.standard_normal(s) for s in shapes[1:]]
    ours, theirs = _leaves(*arrays)
    out, pout = fn(nt, *ours), fn(torch, *theirs)
    assert out.grad_fn.name() == pout.grad_fn.name() == name
    g = RNG.standard_normal(tuple(pout.shape))
    out.backward(nt.from_numpy(g.copy()))
    pout.backward(torch.from_numpy(g.copy()))
    for a, pa in zip(ours, theirs):
        close(a.grad, pa.grad, 1e-9)
    fresh = [nt.from_numpy(a.copy()).requires_grad_() for a in arrays]
    assert gradcheck(lambda *xs: fn(nt, *xs), tuple(fresh))


# ---- complex results -----------------------------------------------------------------------
def test_complex_real_imag_abs_views():
    c = nt.tensor([[1 + 2j, 3 - 4j]])
    pc = torch.tensor([[1 + 2j, 3 - 4j]])
    for ours, theirs in ((c.real, pc.real), (c.imag, pc.imag), (c.abs(), pc.abs()),
                         (nt.view_as_real(c), torch.view_as_real(pc))):
        assert repr(ours) == repr(theirs)
        assert ours.stride() == theirs.stride()
        assert ours.storage_offset() == theirs.storage_offset()
    c.real[0, 0] = 7  # the views share the complex tensor's memory
    c.imag[0, 1] = 0.5
    assert c.tolist() == [[7 + 2j, 3 + 0.5j]]
    assert nt.tensor([1.0, 2.0]).real.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="imag is not implemented"):
        nt.tensor([1.0]).imag
    assert nt.view_as_complex(nt.view_as_real(c)).tolist() == c.tolist()


def test_complex_arithmetic_and_printing():
    a = np.array([1 + 2j, -3 + 0.5j], dtype=np.complex64)
    b = np.array([0.5 - 1j, 2 + 2j], dtype=np.complex64)
    A, B = nt.from_numpy(a.copy()), nt.from_numpy(b.copy())
    pA, pB = torch.from_numpy(a.copy()), torch.from_numpy(b.copy())
    for ours, theirs in ((A + B, pA + pB), (A * B, pA * pB), (-A, -pA), (A - B, pA - pB)):
        assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(A.numpy(), a)
    assert (A @ B).item() == pytest.approx((pA @ pB).item())


def _symmetric_leaves(shape):
    a = symmetric_pd(shape)
    return a, _leaves(a)


@pytest.mark.parametrize("use", ["values", "vectors", "both"])
def test_eigh_gradient_matches_torch(use):
    def loss(lib, A):
        L, V = lib.linalg.eigh(A)
        # V's columns have arbitrary signs: use sign-invariant functions of them
        terms = {"values": (L * L).sum(), "vectors": (V[..., 0, :] ** 2 * L).sum()}
        if use == "both":
            return terms["values"] + terms["vectors"]
        return terms[use]
    a, (ours, theirs) = _symmetric_leaves((2, 3, 3))
    out, pout = loss(nt, ours[0]), loss(torch, theirs[0])
    assert nt.linalg.eigh(ours[0]).eigenvalues.grad_fn.name() == "LinalgEighBackward0"
    out.backward()
    pout.backward()
    close(ours[0].grad, theirs[0].grad, 1e-8)


def test_cholesky_gradient_matches_torch():
    a, (ours, theirs) = _symmetric_leaves((3, 3))
    g = RNG.standard_normal((3, 3))
    for upper in (False, True):
        A, pA = ours[0], theirs[0]
        A.grad = pA.grad = None
        out = nt.linalg.cholesky(A, upper=upper)
        pout = torch.linalg.cholesky(pA, upper=upper)
        out.backward(nt.from_numpy(g.copy()))
        pout.backward(torch.from_numpy(g.copy()))
        close(A.grad, pA.grad, 1e-9)
    assert nt.linalg.cholesky(ours[0]).grad_fn.name() == "LinalgCholeskyExBackward0"


@pytest.mark.parametrize("fn", [lambda lib, A: lib.linalg.svd(A).S,
                                lambda lib, A: lib.linalg.svdvals(A),
                                lambda lib, A: lib.linalg.qr(A).R,
                                lambda lib, A: lib.linalg.lstsq(A, lib.ones(3, 1, dtype=lib.float64))
                                .solution,
                                lambda lib, A: lib.linalg.eig(A).eigenvalues])
def test_decomposition_nodes_are_named_like_torch(fn):
    """Every decomposition has a derivative now (tests/test_linalg_grads.py compares the
    gradients with torch's); the nodes carry torch's names."""
    data = well_conditioned((3, 3))
    names = [fn(lib, lib.from_numpy(data.copy()).requires_grad_()).grad_fn.name()
             for lib in (nt, torch)]
    assert names[0] == names[1]


def test_eigh_and_cholesky_gradcheck_through_symmetrization():
    def sym(X):
        return (X + X.mT) * 0.5
    X = nt.from_numpy(symmetric_pd((3, 3))).requires_grad_()
    assert gradcheck(lambda x: nt.linalg.eigh(sym(x)).eigenvalues, (X,))
    assert gradcheck(lambda x: nt.linalg.eigh(sym(x)).eigenvectors[..., 0, :] ** 2, (X,))
    assert gradcheck(lambda x: nt.linalg.cholesky(sym(x)), (X,))


def test_pinv_and_matrix_power():
    for shape in ((3, 2), (2, 4), (2, 3, 3)):
        A, pA = both(RNG.standard_normal(shape))
        close(nt.linalg.pinv(A), torch.linalg.pinv(pA))
    A, pA = both(np.array([[1., 2], [2, 4]]))  # rank deficient: the tiny singular value is cut
    close(nt.linalg.pinv(A), torch.linalg.pinv(pA))
    A, pA = both(np.array([[1., 2], [2, 4.001]]))  # an absolute cutoff drops the small one
    close(nt.linalg.pinv(A, atol=0.01), torch.linalg.pinv(pA, atol=0.01))
    A, pA = both(well_conditioned((2, 3, 3)))
    for k in (0, 1, 2, 5, -1, -3):
        close(nt.linalg.matrix_power(A, k), torch.linalg.matrix_power(pA, k), 1e-9)
    Ai, pAi = both(RNG.integers(-3, 4, size=(3, 3)))
    assert nt.linalg.matrix_power(Ai, 3).tolist() == torch.linalg.matrix_power(pAi, 3).tolist()
    assert _error_of(lambda t: t.linalg.matrix_power(t.ones(2, 3), 2), nt) == \
        _error_of(lambda t: t.linalg.matrix_power(t.ones(2, 3), 2), torch)
    close(nt.linalg.matrix_rank(nt.tensor([[1., 2], [2, 4], [3, 6]])),
          torch.linalg.matrix_rank(torch.tensor([[1., 2], [2, 4], [3, 6]])))
