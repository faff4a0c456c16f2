"""Gradients of the decompositions (svd, svdvals, qr, eig, lstsq) against PyTorch.

Each loss is chosen to be well defined: singular vectors enter as U @ Vh products (a
joint sign flip of u_i and v_i leaves them unchanged), eigenvectors through |V|^2 (a
phase leaves it unchanged), so the gradients are unique and comparable."""
import numpy as np
import pytest

import numtensor as nt
import torch


def _grads(lib, loss_fn, *arrays):
    xs = [lib.tensor(a, requires_grad=True) for a in arrays]
    loss_fn(lib, *xs).backward()
    return [x.grad.numpy() for x in xs]


def _check(loss_fn, *arrays, rtol=1e-7, atol=1e-9):
    got = _grads(nt, loss_fn, *arrays)
    want = _grads(torch, loss_fn, *arrays)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


RNG = np.random.default_rng(7)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("full", [False, True])
def test_svd_vectors_and_values(shape, full):
    A = RNG.standard_normal(shape)
    W = RNG.standard_normal(shape)

    def loss(lib, a):
        U, S, Vh = lib.linalg.svd(a, full_matrices=full)
        k = S.shape[-1]
        Ur, Vhr = U[..., :k], Vh[..., :k, :]
        w = lib.tensor(W)
        return (Ur @ Vhr * w).sum() + (S ** 2).sum()
    _check(loss, A)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
def test_svdvals(shape):
    k = min(shape)
    _check(lambda lib, a: (lib.linalg.svdvals(a) * lib.arange(1.0, k + 1.0, dtype=lib.float64)).sum(),
           RNG.standard_normal(shape))


def test_complex_singular_values():
    A = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    _check(lambda lib, a: lib.linalg.svdvals(a).sum(), A)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 5, 3)])
def test_qr(shape):
    A = RNG.standard_normal(shape)
    m, n = shape[-2:]
    k = min(m, n)
    W1 = RNG.standard_normal(shape[:-2] + (m, k))
    W2 = RNG.standard_normal(shape[:-2] + (k, n))

    def loss(lib, a):
        Q, R = lib.linalg.qr(a)
        return (Q * lib.tensor(W1)).sum() + (R * lib.tensor(W2)).sum()
    _check(loss, A)


def test_qr_errors_match_torch():
    for lib in (nt, torch):
        a = lib.tensor(RNG.standard_normal((4, 3)), requires_grad=True)
        with pytest.raises(RuntimeError, match="mode='r'"):
            lib.linalg.qr(a, mode="r").R.sum().backward()


@pytest.mark.parametrize("n", [3, 5])
def test_eig(n):
    A = RNG.standard_normal((n, n))
    W = RNG.standard_normal((n, n))

    def loss(lib, a):
        L, V = lib.linalg.eig(a)
        return L.real.sum() + (L.imag ** 2).sum() + ((V.abs() ** 2) * lib.tensor(W)).sum()
    _check(loss, A, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shapes", [((6, 3), (6, 2)), ((6, 3), (6,)), ((2, 5, 3), (2, 5, 4))])
def test_lstsq(shapes):
    A = RNG.standard_normal(shapes[0])
    B = RNG.standard_normal(shapes[1])
    _check(lambda lib, a, b: (lib.linalg.lstsq(a, b).solution ** 2).sum(), A, B)


def test_decompositions_gradcheck():
    A = nt.tensor(RNG.standard_normal((4, 3)), requires_grad=True)
    B = nt.tensor(RNG.standard_normal((4, 2)), requires_grad=True)
    assert nt.autograd.gradcheck(lambda a: nt.linalg.svdvals(a), (A,))
    assert nt.autograd.gradcheck(lambda a: nt.linalg.qr(a).R, (A,))
    assert nt.autograd.gradcheck(lambda a, b: nt.linalg.lstsq(a, b).solution, (A, B))
    sq = nt.tensor(RNG.standard_normal((3, 3)), requires_grad=True)
    assert nt.autograd.gradcheck(lambda a: nt.linalg.eigvals(a).real, (sq,))
