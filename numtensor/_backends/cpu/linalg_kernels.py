"""LAPACK-backed kernels for numtensor.linalg: np.linalg inside @njit, batch loop inside.

Each kernel takes a flat buffer holding `nb` contiguous row-major matrices (the ops
layer copies the input into that form and the compute dtype first) and writes flat
contiguous outputs.  np.linalg in Numba calls the same LAPACK routines NumPy uses
(getrf/getri, gesv, geev, syevd, potrf, geqrf, gesdd, gelsd); complete QR calls
geqrf and orgqr through Numba's LAPACK bindings directly.

Failures are reported per batch element in an int64 `info` array instead of raising
from the kernel, so the ops layer can word the error like PyTorch (which batch element,
which diagonal element).  first_zero_pivot and first_bad_minor recompute that detail
for the one failing matrix.
"""
import numpy as np
from numba import njit, types
from numba.extending import overload
from numba.np.linalg import _LAPACK, ensure_lapack  # Numba's own LAPACK bindings

OPTS = dict(cache=True, nogil=True)
ensure_lapack()  # kernels loaded from the disk cache need the LAPACK symbols too


def _real_geev(a, wr, wi, vr):
    """LAPACK sgeev/dgeev on a Fortran-ordered copy `a` (a stub; see the overload)."""
    raise NotImplementedError


@overload(_real_geev)
def _real_geev_impl(a, wr, wi, vr):
    # np.linalg.eig in Numba refuses real matrices with complex eigenvalues, so real
    # input calls the real geev directly, as PyTorch does (exact zeros stay zeros)
    ensure_lapack()
    geev = _LAPACK().numba_ez_rgeev(a.dtype)
    kind = ord("s") if a.dtype == types.float32 else ord("d")

    def impl(a, wr, wi, vr):
        n = a.shape[0]
        unused_left = np.empty(1, a.dtype)
        return geev(kind, ord("N"), ord("V"), n, a.ctypes, n, wr.ctypes, wi.ctypes,
                    unused_left.ctypes, 1, vr.ctypes, n)
    return impl


_LAPACK_KIND = {types.float32: "s", types.float64: "d",
                types.complex64: "c", types.complex128: "z"}


def _complete_qr(qt, r, m, n):
    """In place: qt, C-ordered (m, m), enters with A^T in its first n rows (so it holds
    A in LAPACK's Fortran order) and leaves holding Q^T; r (m, n) receives R.
    (A stub; see the overload.)"""
    raise NotImplementedError


@overload(_complete_qr)
def _complete_qr_impl(qt, r, m, n):
    # Numba's np.linalg.qr only builds the reduced Q: the complete Q of a tall matrix
    # is geqrf's n reflectors applied to all m columns of the identity (orgqr/ungqr)
    ensure_lapack()
    geqrf = _LAPACK().numba_ez_geqrf(qt.dtype)
    orgqr = _LAPACK().numba_ez_xxgqr(qt.dtype)
    kind = ord(_LAPACK_KIND[qt.dtype])

    def impl(qt, r, m, n):
        tau = np.empty(n, qt.dtype)
        geqrf(kind, m, n, qt.ctypes, m, tau.ctypes)
        r[:, :] = 0
        for j in range(n):
            for i in range(j + 1):
                r[i, j] = qt[j, i]  # the upper triangle of the Fortran-ordered result
        return orgqr(kind, m, m, n, qt.ctypes, m, tau.ctypes)
    return impl


@njit(**OPTS)
def inv(a, nb, n, out, info):
    s = n * n
    for i in range(nb):
        try:
            out[i * s:(i + 1) * s].reshape((n, n))[:, :] = np.linalg.inv(
                a[i * s:(i + 1) * s].reshape((n, n)))
        except Exception:
            info[i] = 1


@njit(**OPTS)
def solve(a, b, nb, n, k, out, info):
    s, t = n * n, n * k
    for i in range(nb):
        try:
            out[i * t:(i + 1) * t].reshape((n, k))[:, :] = np.linalg.solve(
                a[i * s:(i + 1) * s].reshape((n, n)), b[i * t:(i + 1) * t].reshape((n, k)))
        except Exception:
            info[i] = 1


@njit(**OPTS)
def det(a, nb, n, out):
    s = n * n
    for i in range(nb):
        out[i] = np.linalg.det(a[i * s:(i + 1) * s].reshape((n, n)))


@njit(**OPTS)
def slogdet(a, nb, n, sign, logabs):
    s = n * n
    for i in range(nb):
        sg, la = np.linalg.slogdet(a[i * s:(i + 1) * s].reshape((n, n)))
        sign[i] = sg
        logabs[i] = la


@njit(**OPTS)
def eig(a, nb, n, w, v):
    """a complex: Numba's eig keeps the input's domain, so real inputs arrive as complex."""
    s = n * n
    for i in range(nb):
        vals, vecs = np.linalg.eig(a[i * s:(i + 1) * s].reshape((n, n)))
        w[i * n:(i + 1) * n] = vals
        v[i * s:(i + 1) * s].reshape((n, n))[:, :] = vecs


@njit(**OPTS)
def eig_real(a, nb, n, w, v):
    """Real input, complex output: geev returns conjugate pairs as (re, im) columns."""
    s = n * n
    for b in range(nb):
        at = a[b * s:(b + 1) * s].reshape((n, n)).T.copy()  # C copy of A^T = A in Fortran order
        wr = np.empty(n, a.dtype)
        wi = np.empty(n, a.dtype)
        vr = np.empty((n, n), a.dtype)  # row j: eigenvector column j (Fortran order)
        _real_geev(at, wr, wi, vr)
        W = w[b * n:(b + 1) * n]
        V = v[b * s:(b + 1) * s].reshape((n, n))
        i = 0
        while i < n:
            if wi[i] == 0:
                W[i] = wr[i]
                for r in range(n):
                    V[r, i] = vr[i, r]
                i += 1
            else:
                # complex(re, -im), not re - 1j * im: keeps the sign of a zero part
                W[i] = complex(wr[i], wi[i])
                W[i + 1] = complex(wr[i], -wi[i])
                for r in range(n):
                    V[r, i] = complex(vr[i, r], vr[i + 1, r])
                    V[r, i + 1] = complex(vr[i, r], -vr[i + 1, r])
                i += 2


@njit(**OPTS)
def eigvals(a, nb, n, w):
    s = n * n
    for i in range(nb):
        w[i * n:(i + 1) * n] = np.linalg.eigvals(a[i * s:(i + 1) * s].reshape((n, n)))


@njit(**OPTS)
def eigh(a, nb, n, w, v):
    """Ascending eigenvalues of symmetric matrices, from the lower triangle (UPLO='L')."""
    s = n * n
    for i in range(nb):
        vals, vecs = np.linalg.eigh(a[i * s:(i + 1) * s].reshape((n, n)))
        w[i * n:(i + 1) * n] = vals
        v[i * s:(i + 1) * s].reshape((n, n))[:, :] = vecs


@njit(**OPTS)
def cholesky(a, nb, n, out, info):
    s = n * n
    for i in range(nb):
        try:
            out[i * s:(i + 1) * s].reshape((n, n))[:, :] = np.linalg.cholesky(
                a[i * s:(i + 1) * s].reshape((n, n)))
        except Exception:
            info[i] = 1


@njit(**OPTS)
def qr(a, nb, m, n, q, r):
    """Reduced QR: q is (m, min(m, n)), r is (min(m, n), n)."""
    s = m * n
    p = min(m, n)
    for i in range(nb):
        qi, ri = np.linalg.qr(a[i * s:(i + 1) * s].reshape((m, n)))
        q[i * m * p:(i + 1) * m * p].reshape((m, p))[:, :] = qi
        r[i * p * n:(i + 1) * p * n].reshape((p, n))[:, :] = ri


@njit(**OPTS)
def qr_complete(a, nb, m, n, q, r):
    """Complete QR of tall matrices (m > n): q is (m, m), r is (m, n), zero below row n."""
    s = m * n
    for i in range(nb):
        qt = np.zeros((m, m), a.dtype)
        qt[:n, :] = a[i * s:(i + 1) * s].reshape((m, n)).T
        _complete_qr(qt, r[i * s:(i + 1) * s].reshape((m, n)), m, n)
        q[i * m * m:(i + 1) * m * m].reshape((m, m))[:, :] = qt.T


@njit(**OPTS)
def svd(a, nb, m, n, u, sv, vh, full):
    s = m * n
    p = min(m, n)
    ur = m if full else p
    vr = n if full else p
    for i in range(nb):
        ui, si, vi = np.linalg.svd(a[i * s:(i + 1) * s].reshape((m, n)), full_matrices=full)
        u[i * m * ur:(i + 1) * m * ur].reshape((m, ur))[:, :] = ui
        sv[i * p:(i + 1) * p] = si
        vh[i * vr * n:(i + 1) * vr * n].reshape((vr, n))[:, :] = vi


@njit(**OPTS)
def lstsq(a, b, nb, m, n, k, x, rank, rcond):
    """Minimum-norm least squares (gelsd) of every batch element; x is (n, k)."""
    s, t, u = m * n, m * k, n * k
    for i in range(nb):
        xi, res, rk, sv = np.linalg.lstsq(a[i * s:(i + 1) * s].reshape((m, n)),
                                          b[i * t:(i + 1) * t].reshape((m, k)), rcond)
        x[i * u:(i + 1) * u].reshape((n, k))[:, :] = xi
        rank[i] = rk


@njit(**OPTS)
def first_zero_pivot(a, n):
    """1-based index of the first zero diagonal element of U in A = P L U (LAPACK getrf's
    `info`, partial pivoting on the largest magnitude), 0 if there is none."""
    lu = a.reshape((n, n)).copy()
    first = 0
    for j in range(n):
        p = j
        for r in range(j + 1, n):
            if abs(lu[r, j]) > abs(lu[p, j]):
                p = r
        if lu[p, j] == 0:
            if first == 0:
                first = j + 1
            continue
        if p != j:
            for c in range(n):
                tmp = lu[j, c]
                lu[j, c] = lu[p, c]
                lu[p, c] = tmp
        for r in range(j + 1, n):
            f = lu[r, j] / lu[j, j]
            for c in range(j + 1, n):
                lu[r, c] -= f * lu[j, c]
    return first


@njit(**OPTS)
def first_bad_minor(a, n):
    """Order (1-based) of the first leading minor that is not positive-definite (potrf's
    `info`), from an unblocked lower Cholesky factorisation."""
    l = np.zeros((n, n), a.dtype)
    A = a.reshape((n, n))
    for j in range(n):
        d = A[j, j].real
        for c in range(j):
            d -= (l[j, c] * np.conj(l[j, c])).real
        if not d > 0:
            return j + 1
        l[j, j] = np.sqrt(d)
        for r in range(j + 1, n):
            v = A[r, j]
            for c in range(j):
                v -= l[r, c] * np.conj(l[j, c])
            l[r, j] = v / l[j, j]
    return 0


# ---- LU factorisation and triangular solves (linalg.lu_factor, solve_triangular, lu_solve) --
from numba.np.linalg import F_INT_nptype  # noqa: E402  LAPACK's integer (int32 unless ILP64)

# float division by zero gives inf/nan as in BLAS trsm, instead of raising
TRI_OPTS = dict(cache=True, nogil=True, error_model="numpy")


def _getrf(at, m, n, ipiv):
    """LAPACK getrf in place on `at`, an (n, m) C-ordered array (A in Fortran order);
    returns getrf's info (a stub; see the overload)."""
    raise NotImplementedError


@overload(_getrf)
def _getrf_impl(at, m, n, ipiv):
    ensure_lapack()
    getrf = _LAPACK().numba_xxgetrf(at.dtype)
    kind = ord(_LAPACK_KIND[at.dtype])

    def impl(at, m, n, ipiv):
        return getrf(kind, m, n, at.ctypes, max(m, 1), ipiv.ctypes)
    return impl


@njit(**OPTS)
def lu_factor(a, nb, m, n, lu, piv, info):
    """A = P L U with partial pivoting (getrf) of nb m x n matrices: lu gets L (below the
    diagonal, unit diagonal implied) and U packed, piv the 1-based row swaps (int32,
    min(m, n) per matrix), info getrf's info (k > 0: U[k, k] is exactly zero)."""
    s = m * n
    k = min(m, n)
    ipiv = np.empty(k, F_INT_nptype)
    for b in range(nb):
        at = a[b * s:(b + 1) * s].reshape((m, n)).T.copy()
        info[b] = _getrf(at, m, n, ipiv)
        lu[b * s:(b + 1) * s].reshape((m, n))[:, :] = at.T
        for i in range(k):
            piv[b * k + i] = ipiv[i]


@njit(**TRI_OPTS)
def _tri_solve(A, X, upper, unit, trans, cj):
    """In place: X <- op(T)^-1 X, T the upper or lower triangle of A (unit: its diagonal
    taken as ones), op transposing when trans and conjugating when cj."""
    n = A.shape[0]
    k = X.shape[1]
    up = upper != trans  # op(T) is upper triangular: solve from the last row up
    for step in range(n):
        i = n - 1 - step if up else step
        lo = i + 1 if up else 0
        hi = n if up else i
        for j in range(lo, hi):
            c = A[j, i] if trans else A[i, j]
            if cj:
                c = np.conj(c)
            for col in range(k):
                X[i, col] -= c * X[j, col]
        if not unit:
            d = A[i, i]
            if cj:
                d = np.conj(d)
            if d == 0:  # x / 0 as inf/nan (Numba's complex division raises instead)
                for col in range(k):
                    X[i, col] = X[i, col] * np.inf
            else:
                for col in range(k):
                    X[i, col] = X[i, col] / d


@njit(**TRI_OPTS)
def solve_triangular(a, b, nb, n, k, upper, unit, out):
    """out = T^-1 b per matrix (a: n x n, b and out: n x k), T a's upper or lower
    triangle, with ones on its diagonal when unit."""
    s, t = n * n, n * k
    for i in range(nb):
        X = out[i * t:(i + 1) * t].reshape((n, k))
        X[:, :] = b[i * t:(i + 1) * t].reshape((n, k))
        _tri_solve(a[i * s:(i + 1) * s].reshape((n, n)), X, upper, unit, False, False)


@njit(**TRI_OPTS)
def _swap_rows(X, i, p):
    if p != i and 0 <= p < X.shape[0]:  # an out-of-range pivot is ignored, not followed
        for col in range(X.shape[1]):
            tmp = X[i, col]
            X[i, col] = X[p, col]
            X[p, col] = tmp


@njit(**TRI_OPTS)
def lu_solve(lu, piv, b, nb, n, npiv, k, trans, out):
    """getrs: out = op(A)^-1 b per matrix, A = P L U given as lu (packed, n x n) and piv
    (npiv 1-based row swaps, npiv <= n); op is the identity (trans 0), the transpose (1)
    or the conjugate transpose (2)."""
    s, t = n * n, n * k
    for bi in range(nb):
        A = lu[bi * s:(bi + 1) * s].reshape((n, n))
        X = out[bi * t:(bi + 1) * t].reshape((n, k))
        X[:, :] = b[bi * t:(bi + 1) * t].reshape((n, k))
        p = piv[bi * npiv:(bi + 1) * npiv]
        if trans == 0:
            for i in range(npiv):
                _swap_rows(X, i, p[i] - 1)
            _tri_solve(A, X, False, True, False, False)
            _tri_solve(A, X, True, False, False, False)
        else:
            cj = trans == 2
            _tri_solve(A, X, True, False, True, cj)
            _tri_solve(A, X, False, True, True, cj)
            for i in range(npiv - 1, -1, -1):
                _swap_rows(X, i, p[i] - 1)
