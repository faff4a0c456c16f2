"""Backend conformance: matmul and the LAPACK-class linalg_* methods.

Part of the backend conformance suite (see backend_helpers.py): every test runs once per
backend present, and CI runs the suite again with NUMBA_ENABLE_CUDASIM=1 for the CUDA
backend under Numba's simulator.  NumPy (numpy.linalg) is the reference; where LAPACK
leaves a choice (the sign of an eigenvector, of a QR column) the checks are on the
defining properties instead.  The failure reports (`info`, first_zero_pivot,
first_bad_minor) are checked against SciPy's LAPACK wrappers (getrf's and potrf's info).
"""
import numpy as np
import pytest
import scipy.linalg.lapack as lapack

from backend_helpers import (C64, C128, F16, F32, F64, I32, I64, check_out, dtype_id, large,
                             make_out, place, require_compute_dtype, rng_for, values)
from numtensor._backends import plan

LINALG_DTYPES = [F32, F64, C64, C128]


def _tol(dtype):
    return dict(rtol=2e-4, atol=2e-4) if np.dtype(dtype) in (F32, C64, F16) else dict(rtol=1e-10, atol=1e-10)


# ---- matmul ----------------------------------------------------------------------------------------------
def _matrix_operand(backend, logical, layout, rng):
    """A batch of matrices (..., rows, cols) stored row-major ('n') or as the transpose
    of a row-major (..., cols, rows) array ('t'), at an offset; returns the operand of
    the stored array and the logical (batch strides, row stride, col stride)."""
    stored = logical if layout == "n" else np.ascontiguousarray(np.swapaxes(logical, -1, -2))
    op = place(backend, stored, "offset", rng)
    st = op.strides
    rs, cs = (st[-2], st[-1]) if layout == "n" else (st[-1], st[-2])
    return op, st[:-2], rs, cs


def run_matmul(backend, a, b, la, lb, batch_shape, rng):
    """out = a @ b for logical a (*ba, m, k) and b (*bb, k, n) whose batch dims broadcast
    to batch_shape (stride 0 where they do)."""
    m, k = a.shape[-2:]
    n = b.shape[-1]
    ao, a_bst, a_rs, a_cs = _matrix_operand(backend, a, la, rng)
    bo, b_bst, b_rs, b_cs = _matrix_operand(backend, b, lb, rng)
    a_bst = plan.broadcast_strides(a.shape[:-2], a_bst, batch_shape) if batch_shape else ()
    b_bst = plan.broadcast_strides(b.shape[:-2], b_bst, batch_shape) if batch_shape else ()
    p = plan.matmul(tuple(batch_shape), m, k, n, ao.offset, tuple(a_bst), a_rs, a_cs,
                    bo.offset, tuple(b_bst), b_rs, b_cs)
    assert (p.layout_a, p.layout_b) == (la, lb) or min(m, k, n) <= 1
    out = make_out(backend, tuple(batch_shape) + (m, n), a.dtype, rng=rng)  # fresh, contiguous
    backend.matmul(p, ao.buf, bo.buf, out.buf)
    with np.errstate(all="ignore"):
        expected = np.matmul(a, b)
    exact = a.dtype.kind in "iu"
    check_out(out, np.broadcast_to(expected, out.shape), err_msg=f"{la}{lb} {a.shape}@{b.shape}",
              **({} if exact else _tol(a.dtype)))


MATMUL_DTYPES = [F16, F32, F64, C64, C128, I32, I64]


def _layouts(dtype):
    """Float products take both layouts of both operands; integer ones need unit-stride
    rows in b (base.Backend.matmul)."""
    if np.dtype(dtype).kind in "iu":
        return [("n", "n"), ("t", "n")]
    return [("n", "n"), ("t", "n"), ("n", "t"), ("t", "t")]


def _mat_values(rng, shape, dtype):
    if np.dtype(dtype) == I64:
        return rng.integers(-2 ** 40, 2 ** 40, shape).astype(dtype)  # products wrap
    return values(rng, shape, dtype, -3, 4)


@pytest.mark.parametrize("dtype", MATMUL_DTYPES, ids=dtype_id)
def test_matmul(backend, dtype):
    require_compute_dtype(backend, "matmul", dtype)
    rng = rng_for("matmul", dtype)
    for la, lb in _layouts(dtype):
        a, b = _mat_values(rng, (3, 4), dtype), _mat_values(rng, (4, 5), dtype)
        run_matmul(backend, a, b, la, lb, (), rng)
        # a batch (2, 3) from a (1, 3) batch and a (2, 1) batch: stride-0 batch dims
        a, b = _mat_values(rng, (1, 3, 2, 4), dtype), _mat_values(rng, (2, 1, 4, 3), dtype)
        run_matmul(backend, a, b, la, lb, (2, 3), rng)
        # one matrix shared by the whole batch
        a, b = _mat_values(rng, (3, 4), dtype), _mat_values(rng, (5, 4, 2), dtype)
        run_matmul(backend, a, b, la, lb, (5,), rng)
    # vectors as 1 x k and k x 1 matrices
    run_matmul(backend, _mat_values(rng, (1, 6), dtype), _mat_values(rng, (6, 1), dtype), "n", "n", (), rng)
    run_matmul(backend, _mat_values(rng, (4, 1), dtype), _mat_values(rng, (1, 3), dtype), "n", "n", (), rng)


@pytest.mark.parametrize("dtype", [F32, F64, C64, I64], ids=dtype_id)
def test_matmul_empty_problems(backend, dtype):
    """k == 0 gives zeros; an empty batch, m == 0 or n == 0 writes nothing."""
    rng = rng_for("matmul_empty", dtype)
    for la, lb in _layouts(dtype):
        run_matmul(backend, np.zeros((3, 0), dtype), np.zeros((0, 4), dtype), la, lb, (), rng)
        run_matmul(backend, np.zeros((2, 3, 0), dtype), np.zeros((2, 0, 4), dtype), la, lb, (2,), rng)
        run_matmul(backend, _mat_values(rng, (0, 3, 4), dtype), _mat_values(rng, (0, 4, 2), dtype),
                   la, lb, (0,), rng)
        run_matmul(backend, _mat_values(rng, (0, 4), dtype), _mat_values(rng, (4, 2), dtype), la, lb, (), rng)
        run_matmul(backend, _mat_values(rng, (3, 4), dtype), _mat_values(rng, (4, 0), dtype), la, lb, (), rng)


@pytest.mark.parametrize("dtype", [I64, F32], ids=dtype_id)
def test_matmul_above_the_grain(backend, dtype):
    large(backend)
    rng = rng_for("matmul_large", dtype)
    a, b = _mat_values(rng, (3, 40, 30), dtype), _mat_values(rng, (3, 30, 50), dtype)
    for la, lb in _layouts(dtype):
        run_matmul(backend, a, b, la, lb, (3,), rng)


# ---- LAPACK-class ------------------------------------------------------------------------------------
def _batch(rng, nb, shape, dtype):
    return values(rng, (nb,) + shape, dtype, -2, 2)


def _operand(backend, array, rng):
    """nb contiguous row-major matrices in one buffer, at an offset."""
    return place(backend, np.ascontiguousarray(array).reshape(-1), "offset", rng)


def _out(backend, shape, dtype, rng):
    return make_out(backend, (int(np.prod(shape)),), dtype, "offset", rng)


def _real(dtype):
    return {C64: F32, C128: F64}.get(np.dtype(dtype), np.dtype(dtype))


def _complex(dtype):
    return C64 if np.dtype(dtype) in (F32, C64) else C128


def _well_conditioned(rng, nb, n, dtype):
    return _batch(rng, nb, (n, n), dtype) + 4 * np.eye(n, dtype=dtype)


def _host(operand, shape):
    return operand.logical().reshape(shape)


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_inv_and_solve_report_singular_matrices(backend, dtype):
    rng = rng_for("inv", dtype)
    nb, n, k = 3, 4, 2
    a = _well_conditioned(rng, nb, n, dtype)
    a[1, 2] = a[1, 0]  # batch element 1 is singular (two equal rows)
    b = _batch(rng, nb, (n, k), dtype)
    ao, bo = _operand(backend, a, rng), _operand(backend, b, rng)
    out = _out(backend, (nb, n, n), dtype, rng)
    info = np.asarray(backend.linalg_inv(ao.op, nb, n, out.op))
    assert info.shape == (nb,) and info[1] != 0 and info[0] == 0 and info[2] == 0
    got = _host(out, (nb, n, n))
    for i in (0, 2):
        np.testing.assert_allclose(got[i], np.linalg.inv(a[i]), **_tol(dtype))
    out = _out(backend, (nb, n, k), dtype, rng)
    info = np.asarray(backend.linalg_solve(ao.op, bo.op, nb, n, k, out.op))
    assert info.shape == (nb,) and info[1] != 0 and info[0] == 0 and info[2] == 0
    got = _host(out, (nb, n, k))
    for i in (0, 2):
        np.testing.assert_allclose(got[i], np.linalg.solve(a[i], b[i]), **_tol(dtype))
    # empty batches and 0 x 0 matrices
    for nb0, n0 in ((0, 3), (2, 0)):
        info = backend.linalg_inv(ao.op, nb0, n0, _out(backend, (1,), dtype, rng).op)
        assert np.asarray(info).shape == (nb0,) and not np.any(info)


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_det_and_slogdet(backend, dtype):
    rng = rng_for("det", dtype)
    nb, n = 3, 4
    a = _batch(rng, nb, (n, n), dtype)
    a[2, 3] = 0
    a[2, :, 3] = 0  # a singular matrix: det 0, slogdet (0, -inf)
    ao = _operand(backend, a, rng)
    det = _out(backend, (nb,), dtype, rng)
    backend.linalg_det(ao.op, nb, n, det.op)
    check_out(det, np.linalg.det(a), **_tol(dtype))
    sign, logabs = _out(backend, (nb,), dtype, rng), _out(backend, (nb,), _real(dtype), rng)
    backend.linalg_slogdet(ao.op, nb, n, sign.op, logabs.op)
    es, el = np.linalg.slogdet(a)
    check_out(sign, es, **_tol(dtype))
    check_out(logabs, el, **_tol(dtype))
    det = _out(backend, (2,), dtype, rng)
    backend.linalg_det(ao.op, 2, 0, det.op)  # the determinant of a 0 x 0 matrix is 1
    check_out(det, np.ones(2))


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_lstsq(backend, dtype):
    rng = rng_for("lstsq", dtype)
    for nb, m, n, k in [(2, 6, 3, 2), (2, 3, 5, 1)]:
        a = _batch(rng, nb, (m, n), dtype)
        b = _batch(rng, nb, (m, k), dtype)
        if m > n:
            a[1, :, 2] = a[1, :, 0]  # rank-deficient: rank n - 1
        rcond = float(np.finfo(_real(dtype)).eps) * max(m, n)
        ao, bo = _operand(backend, a, rng), _operand(backend, b, rng)
        x = _out(backend, (nb, n, k), dtype, rng)
        rank = _out(backend, (nb,), I64, rng)
        backend.linalg_lstsq(ao.op, bo.op, nb, m, n, k, x.op, rank.op, rcond)
        got = _host(x, (nb, n, k))
        ranks = rank.logical()
        for i in range(nb):
            ex, _, er, _ = np.linalg.lstsq(a[i], b[i], rcond=rcond)
            np.testing.assert_allclose(got[i], ex, **_tol(dtype))  # the minimum-norm solution
            assert ranks[i] == er
    rank = _out(backend, (2,), I64, rng)
    x = _out(backend, (2 * 3 * 2,), dtype, rng)
    backend.linalg_lstsq(ao.op, bo.op, 2, 0, 3, 2, x.op, rank.op, 1e-6)  # no equations: x = 0
    check_out(x, np.zeros(12))
    check_out(rank, np.zeros(2))


def _sorted(w):
    """Eigenvalues in a canonical order that rounding noise (a real part of 1e-17 instead
    of 0) cannot change."""
    w = np.asarray(w, C128)
    return w[np.lexsort((np.round(w.imag, 3), np.round(w.real, 3)))]


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_eig_and_eigvals(backend, dtype):
    rng = rng_for("eig", dtype)
    nb, n = 3, 4
    a = _batch(rng, nb, (n, n), dtype)
    a[0] = np.array([[0, -1, 0, 0], [1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 3]])  # a complex pair
    cdt = _complex(dtype)
    ao = _operand(backend, a, rng)
    w, v = _out(backend, (nb, n), cdt, rng), _out(backend, (nb, n, n), cdt, rng)
    backend.linalg_eig(ao.op, nb, n, w.op, v.op)
    W, V = _host(w, (nb, n)), _host(v, (nb, n, n))
    for i in range(nb):
        ref = np.linalg.eigvals(a[i].astype(C128))
        np.testing.assert_allclose(_sorted(W[i]), _sorted(ref), **_tol(dtype))
        np.testing.assert_allclose(a[i] @ V[i], V[i] * W[i][None, :], **_tol(dtype))
        np.testing.assert_allclose(np.linalg.norm(V[i], axis=0), np.ones(n), **_tol(dtype))
    if np.dtype(dtype).kind == "c":
        w = _out(backend, (nb, n), cdt, rng)
        backend.linalg_eigvals(ao.op, nb, n, w.op)
        np.testing.assert_allclose(_host(w, (nb, n)), W, **_tol(dtype))


@pytest.mark.parametrize("dtype", [F32, F64], ids=dtype_id)
def test_linalg_eigvals_of_a_real_matrix_with_complex_eigenvalues(backend, dtype):
    a = np.array([[0.0, -1.0], [1.0, 0.0]], dtype)
    w = _out(backend, (2,), _complex(dtype), None)
    backend.linalg_eigvals(_operand(backend, a, None).op, 1, 2, w.op)
    np.testing.assert_allclose(_sorted(w.logical()), [-1j, 1j], **_tol(dtype))


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_eigh_reads_the_lower_triangle(backend, dtype):
    rng = rng_for("eigh", dtype)
    nb, n = 3, 4
    h = _batch(rng, nb, (n, n), dtype)
    h = h + np.conj(np.swapaxes(h, -1, -2))
    a = h.copy()
    upper = np.triu(np.ones((n, n), bool), 1)
    a[:, upper] = 99  # junk above the diagonal: never read
    ao = _operand(backend, a, rng)
    w, v = _out(backend, (nb, n), _real(dtype), rng), _out(backend, (nb, n, n), dtype, rng)
    backend.linalg_eigh(ao.op, nb, n, w.op, v.op)
    W, V = _host(w, (nb, n)), _host(v, (nb, n, n))
    ew = np.linalg.eigvalsh(h)
    np.testing.assert_allclose(W, ew, **_tol(dtype))
    assert np.all(np.diff(W, axis=-1) >= 0)
    for i in range(nb):
        np.testing.assert_allclose(h[i] @ V[i], V[i] * W[i][None, :], **_tol(dtype))
        np.testing.assert_allclose(np.conj(V[i].T) @ V[i], np.eye(n), **_tol(dtype))


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_cholesky_reports_non_positive_definite_matrices(backend, dtype):
    rng = rng_for("cholesky", dtype)
    nb, n = 3, 4
    g = _batch(rng, nb, (n, n), dtype)
    a = g @ np.conj(np.swapaxes(g, -1, -2)) + n * np.eye(n, dtype=dtype)
    a[1, 2, 2] = -5  # the leading minor of order 3 is not positive-definite
    ao = _operand(backend, a, rng)
    out = _out(backend, (nb, n, n), dtype, rng)
    info = np.asarray(backend.linalg_cholesky(ao.op, nb, n, out.op))
    assert info.shape == (nb,) and info[1] != 0 and info[0] == 0 and info[2] == 0
    L = _host(out, (nb, n, n))
    for i in (0, 2):
        np.testing.assert_allclose(L[i], np.linalg.cholesky(a[i]), **_tol(dtype))


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_qr(backend, dtype):
    rng = rng_for("qr", dtype)
    nb = 2
    for m, n, complete in [(5, 3, False), (3, 5, False), (4, 4, False), (5, 3, True), (4, 4, True)]:
        a = _batch(rng, nb, (m, n), dtype)
        p = min(m, n)
        qc, rr = (m, m) if complete else (m, p), (m, n) if complete else (p, n)
        ao = _operand(backend, a, rng)
        q, r = _out(backend, (nb,) + qc, dtype, rng), _out(backend, (nb,) + rr, dtype, rng)
        backend.linalg_qr(ao.op, nb, m, n, q.op, r.op, complete)
        Q, R = _host(q, (nb,) + qc), _host(r, (nb,) + rr)
        for i in range(nb):
            np.testing.assert_allclose(Q[i] @ R[i], a[i], **_tol(dtype))
            np.testing.assert_allclose(np.conj(Q[i].T) @ Q[i], np.eye(qc[1]), **_tol(dtype))
            assert np.allclose(np.tril(R[i], -1), 0)
            ref = np.linalg.qr(a[i], mode="complete" if complete else "reduced")[1]
            np.testing.assert_allclose(np.abs(R[i]), np.abs(ref), **_tol(dtype))


def test_linalg_qr_complete_of_a_wide_matrix(backend):
    rng = rng_for("qr_wide")
    m, n = 2, 3
    a = _batch(rng, 1, (m, n), F64)
    q, r = _out(backend, (m, m), F64, rng), _out(backend, (m, n), F64, rng)
    backend.linalg_qr(_operand(backend, a, rng).op, 1, m, n, q.op, r.op, True)
    np.testing.assert_allclose(_host(q, (m, m)) @ _host(r, (m, n)), a[0], rtol=1e-10)


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_svd(backend, dtype):
    rng = rng_for("svd", dtype)
    nb = 2
    for m, n, full in [(5, 3, False), (3, 5, False), (5, 3, True), (3, 5, True)]:
        a = _batch(rng, nb, (m, n), dtype)
        p = min(m, n)
        ur, vr = (m, n) if full else (p, p)
        ao = _operand(backend, a, rng)
        u, s = _out(backend, (nb, m, ur), dtype, rng), _out(backend, (nb, p), _real(dtype), rng)
        vh = _out(backend, (nb, vr, n), dtype, rng)
        backend.linalg_svd(ao.op, nb, m, n, u.op, s.op, vh.op, full)
        U, S, Vh = _host(u, (nb, m, ur)), _host(s, (nb, p)), _host(vh, (nb, vr, n))
        np.testing.assert_allclose(S, np.linalg.svd(a, compute_uv=False), **_tol(dtype))
        assert np.all(np.diff(S, axis=-1) <= 0)
        for i in range(nb):
            np.testing.assert_allclose((U[i][:, :p] * S[i]) @ Vh[i][:p], a[i], **_tol(dtype))
            np.testing.assert_allclose(np.conj(U[i].T) @ U[i], np.eye(ur), **_tol(dtype))
            np.testing.assert_allclose(Vh[i] @ np.conj(Vh[i].T), np.eye(vr), **_tol(dtype))


_GETRF = {F32: lapack.sgetrf, F64: lapack.dgetrf, C64: lapack.cgetrf, C128: lapack.zgetrf}
_POTRF = {F32: lapack.spotrf, F64: lapack.dpotrf, C64: lapack.cpotrf, C128: lapack.zpotrf}


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_first_zero_pivot_is_getrfs_info(backend, dtype):
    rng = rng_for("pivot", dtype)
    n = 4
    cases = [_well_conditioned(rng, 1, n, dtype)[0], np.zeros((n, n), dtype)]
    singular = _well_conditioned(rng, 1, n, dtype)[0]
    singular[:, 2] = 0  # a zero column stays zero through elimination: pivot 3 is exactly 0
    cases.append(singular)
    pivoted = _well_conditioned(rng, 1, n, dtype)[0]
    pivoted[0, 0] = 0  # a zero in the corner that row pivoting moves away: no zero pivot
    cases.append(pivoted)
    last = np.triu(_well_conditioned(rng, 1, n, dtype)[0])
    last[3, 3] = 0
    cases.append(last)
    for a in cases:
        expected = _GETRF[dtype](a)[2]
        got = backend.linalg_first_zero_pivot(_operand(backend, a, rng).op, n)
        assert got == expected, (a, got, expected)
    assert [_GETRF[dtype](a)[2] for a in cases] == [0, 1, 3, 0, 4]


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_first_bad_minor_is_potrfs_info(backend, dtype):
    rng = rng_for("minor", dtype)
    n = 4
    g = _batch(rng, 1, (n, n), dtype)[0]
    good = g @ np.conj(g.T) + n * np.eye(n, dtype=dtype)
    for order in (0, 1, 3, 4):
        a = good.copy()
        if order:
            a[order - 1, order - 1] = -abs(a[order - 1, order - 1]) - 100
        expected = _POTRF[dtype](a, lower=1)[1]
        assert expected == order
        assert backend.linalg_first_bad_minor(_operand(backend, a, rng).op, n) == order


@pytest.mark.parametrize("dtype", LINALG_DTYPES, ids=dtype_id)
def test_linalg_lu_factor_solve_triangular_and_lu_solve(backend, dtype):
    rng = rng_for("lu", dtype)
    nb, n, k = 3, 4, 2
    a = _well_conditioned(rng, nb, n, dtype)
    a[1, 2] = 0  # batch element 1: U is exactly singular (getrf's info > 0)
    a[1, :, 2] = 0
    b = _batch(rng, nb, (n, k), dtype)
    ao, bo = _operand(backend, a, rng), _operand(backend, b, rng)
    lu = _out(backend, (nb, n, n), dtype, rng)
    piv = make_out(backend, (nb * n,), I32, "offset", rng)
    info = np.asarray(backend.linalg_lu_factor(ao.op, nb, n, n, lu.op, piv.op))
    for i in range(nb):
        want_lu, want_piv, want_info = lapack.zgetrf(a[i]) if np.dtype(dtype).kind == "c" \
            else lapack.dgetrf(a[i])
        assert info[i] == want_info
        np.testing.assert_array_equal(_host(piv, (nb, n))[i], want_piv + 1)
        np.testing.assert_allclose(_host(lu, (nb, n, n))[i], want_lu, **_tol(dtype))
    for upper in (True, False):
        for unit in (True, False):
            x = _out(backend, (nb, n, k), dtype, rng)
            backend.linalg_solve_triangular(ao.op, bo.op, nb, n, k, upper, unit, x.op)
            for i in (0, 2):
                t = np.triu(a[i]) if upper else np.tril(a[i])
                if unit:
                    np.fill_diagonal(t, 1)
                np.testing.assert_allclose(_host(x, (nb, n, k))[i], np.linalg.solve(t, b[i]),
                                           **_tol(dtype))
    for trans, op in ((0, lambda m: m), (1, lambda m: m.T), (2, lambda m: m.conj().T)):
        x = _out(backend, (nb, n, k), dtype, rng)
        backend.linalg_lu_solve(lu.op, piv.op, bo.op, nb, n, n, k, trans, x.op)
        for i in (0, 2):
            np.testing.assert_allclose(_host(x, (nb, n, k))[i], np.linalg.solve(op(a[i]), b[i]),
                                       **_tol(dtype))
    # empty problems
    info = backend.linalg_lu_factor(ao.op, 0, n, n, lu.op, piv.op)
    assert np.asarray(info).shape == (0,)
