"""linalg.lu_factor(_ex), lu, lu_solve, solve_triangular, the *_ex forms, cond, tensorinv,
tensorsolve, diagonal, matrix_exp and torch.lu / lu_unpack / lu_solve / triangular_solve,
against PyTorch."""
import numpy as np
import pytest
import torch

import numtensor as nt
from numtensor.autograd import gradcheck
from nn_helpers import raises_like

DTYPES = [torch.float32, torch.float64, torch.complex64, torch.complex128]


def T(x):
    return nt.from_numpy(x.detach().resolve_conj().numpy().copy())


def close(ours, theirs, dtype=None):
    dtype = dtype or theirs.dtype
    tol = 1e-4 if dtype in (torch.float32, torch.complex64) else 1e-10
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().resolve_conj().numpy(),
                               theirs.detach().resolve_conj().numpy(), rtol=tol,
                               atol=tol, equal_nan=True)


def rand(*shape, dtype=torch.float64, seed=0, well=True):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(*shape, dtype=dtype, generator=g)
    if well and shape[-1] == shape[-2]:
        x = x + 3 * torch.eye(shape[-1], dtype=dtype)
    return x


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_solve_triangular_variants(dtype):
    A = rand(2, 1, 4, 4, dtype=dtype)
    B = rand(3, 4, 2, dtype=dtype, seed=1)
    for upper in (True, False):
        for left in (True, False):
            for unit in (True, False):
                Bx = B if left else B.mT.contiguous()
                ours = nt.linalg.solve_triangular(T(A), T(Bx), upper=upper, left=left,
                                                  unitriangular=unit)
                close(ours, torch.linalg.solve_triangular(A, Bx, upper=upper, left=left,
                                                          unitriangular=unit))
    # non-contiguous operands
    At, Bt = A.mT, rand(3, 2, 4, dtype=dtype, seed=2).mT
    close(nt.linalg.solve_triangular(T(A).mT, nt.from_numpy(Bt.mT.numpy().copy()).mT, upper=True),
          torch.linalg.solve_triangular(At, Bt, upper=True))


def test_solve_triangular_zero_diagonal_and_triangular_solve():
    ours = nt.linalg.solve_triangular(nt.zeros(2, 2), nt.ones(2, 1), upper=True)
    close(ours, torch.linalg.solve_triangular(torch.zeros(2, 2), torch.ones(2, 1), upper=True))
    A, b = rand(2, 3, 3), rand(2, 3, 2, seed=3)
    for upper in (True, False):
        for tr in (True, False):
            for unit in (True, False):
                o = nt.triangular_solve(T(b), T(A), upper, tr, unit)
                with pytest.warns(UserWarning) if False else _nowarn():
                    t = torch.triangular_solve(b, A, upper, tr, unit)
                close(o.solution, t.solution)
                close(o.cloned_coefficient, t.cloned_coefficient)
    close(T(b).triangular_solve(T(A), upper=False).solution,
          b.triangular_solve(A, upper=False).solution)


class _nowarn:
    def __enter__(self):
        import warnings
        self.w = warnings.catch_warnings()
        self.w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *a):
        self.w.__exit__(*a)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_lu_factor_lu_and_unpack(dtype):
    for shape in ((2, 4, 4), (3, 5), (5, 3), (2, 2, 3, 6)):
        A = rand(*shape, dtype=dtype, well=False)
        LU, piv = torch.linalg.lu_factor(A)
        r = nt.linalg.lu_factor(T(A))
        close(r.LU, LU)
        assert r.pivots.dtype == nt.int32
        np.testing.assert_array_equal(r.pivots.numpy(), piv.numpy())
        P, L, U = torch.linalg.lu(A)
        p, l, u = nt.linalg.lu(T(A))
        close(p, P), close(l, L), close(u, U)
        up = nt.lu_unpack(r.LU, r.pivots)
        close(up.P, P), close(up.L, L), close(up.U, U)
        ex = nt.linalg.lu_factor_ex(T(A))
        assert (ex.info.numpy() == 0).all() and ex.info.dtype == nt.int32
    with _nowarn():
        LU, piv, info = torch.lu(A, get_infos=True)
        lu2, piv2 = torch.lu(A)
    o = nt.lu(T(A), get_infos=True)
    close(o[0], LU), close(o[2], info)
    close(T(A).lu()[0], lu2)
    assert len(T(A).lu()) == 2


def test_lu_factor_of_singular_matrices():
    A = torch.zeros(2, 3, 3)
    t = torch.linalg.lu_factor_ex(A)
    o = nt.linalg.lu_factor_ex(T(A))
    close(o.LU, t.LU), close(o.info, t.info)
    np.testing.assert_array_equal(o.pivots.numpy(), t.pivots.numpy())
    raises_like(lambda: nt.linalg.lu_factor(T(A)), lambda: torch.linalg.lu_factor(A))
    raises_like(lambda: nt.linalg.lu_factor(T(A[0])), lambda: torch.linalg.lu_factor(A[0]))
    raises_like(lambda: nt.linalg.lu_factor_ex(T(A), check_errors=True),
                lambda: torch.linalg.lu_factor_ex(A, check_errors=True))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_lu_solve_variants(dtype):
    A = rand(2, 4, 4, dtype=dtype)
    LU, piv = torch.linalg.lu_factor(A)
    B = rand(3, 1, 4, 2, dtype=dtype, seed=4)
    for left in (True, False):
        for adjoint in (True, False):
            Bx = B if left else B.mT
            close(nt.linalg.lu_solve(T(LU), T(piv), T(Bx), left=left, adjoint=adjoint),
                  torch.linalg.lu_solve(LU, piv, Bx, left=left, adjoint=adjoint))
    b = B[0]
    with _nowarn():
        want = torch.lu_solve(b, LU, piv)
    close(nt.lu_solve(T(b), T(LU), T(piv)), want)
    close(T(b).lu_solve(T(LU), T(piv)), want)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_ex_forms(dtype):
    A = rand(3, 4, 4, dtype=dtype)
    B = rand(3, 4, dtype=dtype, seed=5)
    o, t = nt.linalg.inv_ex(T(A)), torch.linalg.inv_ex(A)
    close(o.inverse, t.inverse), close(o.info, t.info)
    for left in (True, False):
        Bx = B if left else B.unsqueeze(-2)
        o, t = nt.linalg.solve_ex(T(A), T(Bx), left=left), torch.linalg.solve_ex(A, Bx, left=left)
        close(o.result, t.result), close(o.info, t.info)
    H = A @ A.mH
    for upper in (True, False):
        o, t = nt.linalg.cholesky_ex(T(H), upper=upper), torch.linalg.cholesky_ex(H, upper=upper)
        close(o.L, t.L), close(o.info, t.info)


def test_ex_forms_on_failures():
    Z = torch.zeros(2, 3, 3)
    Z[0] = torch.eye(3)
    o, t = nt.linalg.inv_ex(T(Z)), torch.linalg.inv_ex(Z)
    close(o.inverse, t.inverse), close(o.info, t.info)
    o, t = nt.linalg.solve_ex(T(Z), nt.ones(3)), torch.linalg.solve_ex(Z, torch.ones(3))
    close(o.result, t.result), close(o.info, t.info)
    N = -torch.eye(3).expand(2, 3, 3).clone()
    N[0] = torch.eye(3)
    o, t = nt.linalg.cholesky_ex(T(N)), torch.linalg.cholesky_ex(N)
    close(o.info, t.info)
    close(o.L[0], t.L[0])
    for ours, theirs in (
            (lambda: nt.linalg.inv_ex(T(Z), check_errors=True),
             lambda: torch.linalg.inv_ex(Z, check_errors=True)),
            (lambda: nt.linalg.solve_ex(T(Z), nt.ones(3), check_errors=True),
             lambda: torch.linalg.solve_ex(Z, torch.ones(3), check_errors=True)),
            (lambda: nt.linalg.cholesky_ex(T(N), check_errors=True),
             lambda: torch.linalg.cholesky_ex(N, check_errors=True))):
        with pytest.raises(torch.linalg.LinAlgError) as want:
            theirs()
        with pytest.raises(nt.linalg.LinAlgError) as got:
            ours()
        assert str(got.value) == str(want.value)


def test_cond_tensorinv_tensorsolve_diagonal_matrix_exp():
    A = rand(2, 4, 4, well=False)
    for p in (None, 2, -2, 1, -1, float("inf"), -float("inf"), "fro", "nuc"):
        close(nt.linalg.cond(T(A), p), torch.linalg.cond(A, p))
    close(nt.linalg.cond(nt.zeros(2, 2), 1), torch.linalg.cond(torch.zeros(2, 2), 1))
    W = rand(2, 3, well=False)
    close(nt.linalg.cond(T(W)), torch.linalg.cond(W))
    X = rand(4, 2, 2, seed=6)
    close(nt.linalg.tensorinv(T(X), ind=1), torch.linalg.tensorinv(X, ind=1))
    Y = rand(2, 3, 6, seed=7)
    b = rand(2, 3, seed=8)
    close(nt.linalg.tensorsolve(T(Y), T(b)), torch.linalg.tensorsolve(Y, b))
    Z = rand(6, 2, 3, seed=9)
    close(nt.linalg.tensorsolve(T(Z), T(b), dims=(0,)), torch.linalg.tensorsolve(Z, b, dims=(0,)))
    close(nt.linalg.diagonal(T(A), offset=1), torch.linalg.diagonal(A, offset=1))
    close(nt.linalg.diagonal(T(A), dim1=0, dim2=2), torch.linalg.diagonal(A, dim1=0, dim2=2))
    close(nt.linalg.matrix_exp(T(A) * 0.1), torch.linalg.matrix_exp(A * 0.1))


def test_errors():
    A3, B = torch.randn(3, 3), torch.randn(3, 2)
    cases = [
        (lambda l: l.linalg.solve_triangular(l.zeros(3, 3), l.zeros(3), upper=True)),
        (lambda l: l.linalg.solve_triangular(l.zeros(3, 3), l.zeros(2, 3), upper=True)),
        (lambda l: l.linalg.solve_triangular(l.zeros(3, 3), l.zeros(3, 2), upper=True,
                                             left=False)),
        (lambda l: l.linalg.solve_triangular(l.zeros(3, 4), l.zeros(3, 2), upper=True)),
        (lambda l: l.linalg.solve_triangular(l.zeros(3, 3, dtype=l.int32),
                                             l.zeros(3, 2, dtype=l.int32), upper=True)),
        (lambda l: l.linalg.lu_factor(l.zeros(3))),
        (lambda l: l.linalg.lu_factor(l.zeros(3, 3, dtype=l.int32))),
        (lambda l: l.linalg.lu_factor(l.eye(3), pivot=False)),
        (lambda l: l.linalg.lu(l.eye(3), pivot=False)),
        (lambda l: l.linalg.lu_solve(l.eye(3), l.ones(3, dtype=l.int32), l.zeros(4, 2))),
        (lambda l: l.linalg.lu_solve(l.eye(3), l.ones(3, dtype=l.int64), l.zeros(3, 2))),
        (lambda l: l.linalg.lu_solve(l.zeros(3, 4), l.ones(3, dtype=l.int32), l.zeros(3, 2))),
        (lambda l: l.linalg.lu_solve(l.eye(3), l.ones(3, dtype=l.int32), l.zeros(3))),
        (lambda l: l.linalg.lu_solve(l.eye(3), l.ones(2, dtype=l.int32), l.zeros(3, 2))),
        (lambda l: l.linalg.cond(l.eye(3), "foo")),
        (lambda l: l.linalg.cond(l.eye(3), 3)),
        (lambda l: l.linalg.cond(l.zeros(2, 3), 1)),
        (lambda l: l.linalg.cond(l.zeros(2, 3), "fro")),
        (lambda l: l.linalg.inv_ex(l.zeros(3, 4))),
        (lambda l: l.linalg.solve_ex(l.eye(3), l.zeros(2))),
        (lambda l: l.linalg.tensorinv(l.zeros(4, 2, 3), ind=1)),
        (lambda l: l.linalg.tensorinv(l.zeros(4, 2, 2), ind=0)),
        (lambda l: l.triangular_solve(l.zeros(3, 2), l.zeros(3, 3, dtype=l.float64))),
    ]
    for case in cases:
        raises_like(lambda: case(nt), lambda: case(torch))
    for bad in (lambda l: l.linalg.solve_triangular(l.zeros(3, 3), l.zeros(3, 2)),
                lambda l: l.linalg.solve_triangular(l.zeros(3, 3), l.zeros(3, 2), upper=True,
                                                    foo=1),
                lambda l: l.linalg.lu_factor(l.eye(3), True)):
        with pytest.raises(TypeError):
            bad(torch)
        with pytest.raises(TypeError):
            bad(nt)


def test_gradients():
    A = T(rand(2, 3, 3)).requires_grad_()
    B = T(rand(3, 2, seed=10)).requires_grad_()
    for upper in (True, False):
        for left in (True, False):
            for unit in (True, False):
                assert gradcheck(lambda a, b: nt.linalg.solve_triangular(
                    a, b if left else b.mT, upper=upper, left=left, unitriangular=unit), (A, B))
    assert gradcheck(lambda a, b: nt.triangular_solve(b, a, transpose=True)[0], (A, B))
    assert gradcheck(lambda a: nt.linalg.lu_factor(a).LU, (A,))
    for shape in ((3, 3), (3, 5), (5, 3)):
        M = T(rand(*shape, seed=11, well=False)).requires_grad_()
        assert gradcheck(lambda a: nt.linalg.lu(a)[1:], (M,))
        assert gradcheck(lambda a: nt.lu_unpack(*nt.linalg.lu_factor(a))[1:], (M,))
    LU, piv = torch.linalg.lu_factor(rand(2, 3, 3, seed=12))
    LUg, pv = T(LU).requires_grad_(), T(piv)
    for left in (True, False):
        for adjoint in (True, False):
            assert gradcheck(lambda lu, b: nt.linalg.lu_solve(
                lu, pv, b if left else b.mT, left=left, adjoint=adjoint), (LUg, B))
    C = T(rand(2, 3, 3, dtype=torch.complex128, seed=13)).requires_grad_()
    assert gradcheck(lambda a: nt.linalg.solve_triangular(a, a, upper=True), (C,))
    assert gradcheck(lambda a: nt.linalg.lu_factor(a).LU, (C,))
    assert gradcheck(lambda a: nt.linalg.inv_ex(a).inverse, (A,))
    assert gradcheck(lambda a, b: nt.linalg.solve_ex(a, b).result, (A, B))
    # the gradient against PyTorch's
    At = rand(3, 3, seed=14).requires_grad_()
    An = T(At.detach()).requires_grad_()
    torch.linalg.lu_factor(At).LU.sum().backward()
    nt.linalg.lu_factor(An).LU.sum().backward()
    close(An.grad, At.grad)
