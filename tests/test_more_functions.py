"""repeat_interleave, ravel, addmv/addr/baddbmm/addbmm, vdot, chain_matmul, matrix_power,
logdet/slogdet, the legacy svd/qr/cholesky/pinverse, quantile/nanquantile, mode,
logcumsumexp, combinations, unravel_index, diagflat, trapezoid & co, renorm, polar,
complex and angle (numtensor/ops/more_functions.py) against real torch."""
import warnings

import numpy as np
import pytest

import numtensor as nt
from autograd_helpers import assert_grads_match_torch
from core_helpers import check, check_raises

import torch  # noqa: E402  (the oracle)

NAN = float("nan")
rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4))
A32 = A.astype(np.float32)
SQ = rng.standard_normal((2, 3, 3))
SPD = SQ @ SQ.transpose(0, 2, 1) + 3 * np.eye(3)
B1 = rng.standard_normal((2, 3, 4))
B2 = rng.standard_normal((2, 4, 5))
V3, V4 = rng.standard_normal(3), rng.standard_normal(4)
NANS = A.copy()
NANS[1, 2] = NAN
NANS[2] = NAN
I = np.array([[1, 2, 2, 3, 3, 1, 0], [5, 5, 4, 4, 1, 1, 1]])


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


VALUE_CASES = [
    ("ri_int", lambda L, x: L.repeat_interleave(x, 2), A32),
    ("ri_dim", lambda L, x: x.repeat_interleave(3, dim=1), A32),
    ("ri_neg_dim", lambda L, x: x.repeat_interleave(2, -2, output_size=6), A32),
    ("ri_tensor", lambda L, x: L.repeat_interleave(x, L.tensor([1, 0, 2]), dim=0), A32),
    ("ri_tensor1", lambda L, x: L.repeat_interleave(x, L.tensor([2])), A32),
    ("ri_T", lambda L, x: L.repeat_interleave(x.T, L.tensor([1, 0, 2, 1]), 0), A32),
    ("ri_counts", lambda L, x: L.repeat_interleave(x), np.array([1, 0, 3])),
    ("ri_0d", lambda L, x: L.repeat_interleave(x, 3), np.array(2.5)),
    ("ravel", lambda L, x: L.ravel(x.T), A32),
    ("ravel_m", lambda L, x: x[:, ::2].ravel(), A32),
    ("addmv", lambda L, x, m, v: L.addmv(x, m, v, beta=2, alpha=0.5), V3, A, V4),
    ("addmv_b0", lambda L, x, m, v: L.addmv(x * NAN, m, v, beta=0), V3, A, V4),
    ("addmv_m", lambda L, x, m, v: x.addmv(m.T.T, v), V3[:1], A, V4),
    ("addr", lambda L, x, a, b: L.addr(x, a, b, alpha=2), A, V3, V4),
    ("addr_int", lambda L, x, a, b: L.addr(x, a, b, beta=2), I[:, :3], I[0, :2], I[1, :3]),
    ("baddbmm", lambda L, x, a, b: L.baddbmm(x, a, b, beta=0.5), B1[:1, :, :1] @ B2[:1, :1], B1, B2),
    ("addbmm", lambda L, x, a, b: x.addbmm(a, b, alpha=-1), B2[0, 0], B1, B2),
    ("vdot", lambda L, a, b: L.vdot(a, b), V4, A[0]),
    ("vdot_c", lambda L, a, b: L.vdot(a, b), V3 + 1j * V3[::-1], V3 - 2j),
    ("chain", lambda L, a, b: L.chain_matmul(a, b.T, a), A, A),
    ("chain1", lambda L, a: L.chain_matmul(a), A),
    ("mpow", lambda L, a: L.matrix_power(a, 3), SQ),
    ("mpow_neg", lambda L, a: a.matrix_power(-2), SQ),
    ("mpow0", lambda L, a: L.matrix_power(a, 0), SQ),
    ("logdet", lambda L, a: L.logdet(a), SQ),
    ("logdet_sing", lambda L, a: L.logdet(a), np.ones((2, 2))),
    ("slogdet", lambda L, a: L.slogdet(a), SQ),
    ("slogdet_m", lambda L, a: a.slogdet(), SQ[0]),
    ("svd_S", lambda L, a: L.svd(a)[1], A),
    ("svd_nouv", lambda L, a: L.svd(a, compute_uv=False), A),
    ("qr_R_abs", lambda L, a: L.qr(a.T)[1].abs(), A),
    ("chol", lambda L, a: L.cholesky(a), SPD),
    ("chol_up", lambda L, a: a.cholesky(upper=True), SPD),
    ("pinverse", lambda L, a: L.pinverse(a), A),
    ("q_scalar", lambda L, x: L.quantile(x, 0.3), A),
    ("q_dim", lambda L, x: L.quantile(x, L.tensor([0.0, 0.25, 1.0], dtype=L.float64), 1), A),
    ("q_keep", lambda L, x: x.quantile(L.tensor([0.2, 0.7], dtype=L.float64), 0, True), A),
    ("q_keep_none", lambda L, x: L.quantile(x, 0.5, keepdim=True), A32),
    ("q_nan", lambda L, x: L.quantile(x, 0.4, 1), NANS),
    ("nanq", lambda L, x: L.nanquantile(x, L.tensor([0.1, 0.9], dtype=L.float64), 1), NANS),
    ("nanq_none", lambda L, x: x.nanquantile(0.6), NANS),
    *[(f"q_{m}", lambda L, x, m=m: L.quantile(x, L.tensor([0.1, 0.5, 0.85],
                                                          dtype=L.float64), 1,
                                              interpolation=m), A)
      for m in ("lower", "higher", "midpoint", "nearest")],
    *[(f"nanq_{m}", lambda L, x, m=m: L.nanquantile(x.T, 0.375, 0, interpolation=m), NANS)
      for m in ("lower", "higher", "midpoint", "nearest")],
    ("mode", lambda L, x: L.mode(x), I),
    ("mode0", lambda L, x: x.mode(0, keepdim=True), I),
    ("mode_f", lambda L, x: L.mode(x.double().T, 1), I),
    ("lcse", lambda L, x: L.logcumsumexp(x, 1), np.array([[-1000.0, 0, 1, 2, 30], A[0, :5]
                                                            if A.shape[1] >= 5 else
                                                            [5, 4, 3, 2, 1]])),
    ("lcse_T", lambda L, x: x.T.logcumsumexp(0), A),
    ("comb", lambda L, x: L.combinations(x), np.array([1, 2, 3, 4])),
    ("comb3r", lambda L, x: L.combinations(x, 3, with_replacement=True), V3),
    ("comb_empty", lambda L, x: L.combinations(x, 3), np.array([1, 2])),
    ("comb_r0", lambda L, x: L.combinations(x, 0), np.array([1, 2])),
    ("unravel", lambda L, x: L.unravel_index(x, (2, 3, 4)), np.array([[5, 23], [0, 17]])),
    ("unravel_int", lambda L, x: L.unravel_index(x, 7), np.array([5, 3])),
    ("diagflat", lambda L, x: L.diagflat(x, 1), A32[:2, :2]),
    ("diagflat_m", lambda L, x: x.T.diagflat(-2), A32[:2]),
    ("trapz_x", lambda L, y, x: L.trapezoid(y, x), A, np.array([0.0, 1, 3, 4])),
    ("trapz_x2", lambda L, y, x: L.trapezoid(y, x, dim=0), A, A[:, :1] * 0 + A[:, 1:2]),
    ("trapz_dx", lambda L, y: L.trapezoid(y, dx=0.5, dim=0), A),
    ("trapz_int", lambda L, y: L.trapezoid(y), I),
    ("trapz_old", lambda L, y: L.trapz(y, dx=2.0), A),
    ("trapz_oldx", lambda L, y, x: L.trapz(y, x), A, np.array([0.0, 1, 3, 4])),
    ("trapz_empty", lambda L, y: L.trapezoid(y), np.zeros((2, 0))),
    ("ctrapz", lambda L, y, x: L.cumulative_trapezoid(y, x), A, np.array([0.0, 1, 3, 4])),
    ("ctrapz_dx", lambda L, y: L.cumulative_trapezoid(y.T, dx=2), A),
    ("renorm", lambda L, x: L.renorm(x, 2, 0, 1.5), A),
    ("renorm_p1", lambda L, x: x.T.renorm(1, 1, 2.0), A32),
    ("polar", lambda L, a, b: L.polar(a, b), np.abs(V3), V3),
    ("complex", lambda L, a, b: L.complex(a, b), A32, A32[:1]),
    ("angle", lambda L, x: L.angle(x), np.array([1.0, -2, NAN, 0, -0.0])),
    ("angle_int", lambda L, x: x.angle(), np.array([1, -2, 0])),
    ("angle_c", lambda L, x: L.angle(x), V3 + 1j * V3[::-1]),
]


@pytest.mark.parametrize("fn, arrays", [pytest.param(f, a, id=n) for n, f, *a in VALUE_CASES])
def test_values(fn, arrays):
    check(fn, *arrays, atol=1e-6, rtol=1e-6)


GRAD_CASES = [
    ("ri_int", lambda L, x: L.repeat_interleave(x, 2, 1), (3, 4)),
    ("ri_tensor", lambda L, x: L.repeat_interleave(x, L.tensor([1, 0, 2]), dim=0), (3, 4)),
    ("ravel", lambda L, x: L.ravel(x), (3, 4)),
    ("addmv", lambda L, x, m, v: L.addmv(x, m, v, beta=2, alpha=0.5), (3,), (3, 4), (4,)),
    ("addr", lambda L, x, a, b: L.addr(x, a, b, alpha=2), (1, 4), (3,), (4,)),
    ("baddbmm", lambda L, x, a, b: L.baddbmm(x, a, b, beta=0.5), (3, 5), (2, 3, 4), (2, 4, 5)),
    ("addbmm", lambda L, x, a, b: L.addbmm(x, a, b, alpha=-1), (3, 5), (2, 3, 4), (2, 4, 5)),
    ("vdot", lambda L, a, b: L.vdot(a, b), (4,), (4,)),
    ("chain", lambda L, a, b, c: L.chain_matmul(a, b, c), (2, 3), (3, 4), (4, 2)),
    ("mpow_neg", lambda L, a: L.matrix_power(a + 3 * L.eye(3), -2), (2, 3, 3)),
    ("logdet", lambda L, a: L.logdet(a @ a.mT + L.eye(3)), (2, 3, 3)),
    ("slogdet", lambda L, a: L.slogdet(a)[1], (2, 3, 3)),
    ("svd_S", lambda L, a: L.svd(a)[1], (3, 4)),
    ("chol", lambda L, a: L.cholesky(a @ a.mT + L.eye(3), upper=True), (3, 3)),
    ("pinverse", lambda L, a: L.pinverse(a), (3, 4)),
    ("quantile", lambda L, x: L.quantile(x, L.tensor([0.3, 0.8], dtype=L.float64), 1), (3, 5)),
    ("nanquantile", lambda L, x: L.nanquantile(x, 0.4, 0, interpolation="midpoint"), (3, 5)),
    ("mode", lambda L, x: L.mode(L.round(x), 1)[0], (3, 5)),
    ("lcse", lambda L, x: L.logcumsumexp(x, 1), (3, 6)),
    ("comb", lambda L, x: L.combinations(x, 2), (4,)),
    ("diagflat", lambda L, x: L.diagflat(x, -1), (2, 2)),
    ("trapz", lambda L, y, x: L.trapezoid(y, x), (3, 4), (4,)),
    ("ctrapz", lambda L, y: L.cumulative_trapezoid(y, dx=0.5, dim=0), (3, 4)),
    ("renorm", lambda L, x: L.renorm(x, 2, 0, 1.5), (3, 4)),
]


@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
@pytest.mark.parametrize("fn, shapes", [pytest.param(f, s, id=n) for n, f, *s in GRAD_CASES])
def test_grads(fn, shapes, layout):
    arrays = [np.random.default_rng(7 + i).standard_normal(s) for i, s in enumerate(shapes)]
    assert_grads_match_torch(torch, fn, arrays, layout=layout, atol=1e-9, rtol=1e-7,
                             check_name=False)


@pytest.mark.parametrize("fn, shape", [
    (lambda x: nt.repeat_interleave(x, nt.tensor([2, 1, 0]), 0), (3, 2)),
    (lambda x: nt.addmv(x[0], x, x[1]), (3, 3)),
    (lambda x: nt.quantile(x, 0.35, 1), (2, 5)),
    (lambda x: nt.logcumsumexp(x, 0), (5, 2)),
    (lambda x: nt.logdet(x @ x.mT + nt.eye(3, dtype=nt.float64)), (3, 3)),
    (lambda x: nt.renorm(x, 3, 1, 0.8), (3, 3)),
    (lambda x: nt.cumulative_trapezoid(x, nt.tensor([0.0, 0.5, 2.0, 2.25])), (2, 4)),
])
def test_gradcheck(fn, shape):
    x = nt.tensor(np.random.default_rng(3).standard_normal(shape), requires_grad=True)
    assert nt.autograd.gradcheck(fn, (x,))


def test_return_types():
    s = nt.slogdet(nt.tensor(SQ))
    assert type(s).__name__ == "slogdet" and s._fields == ("sign", "logabsdet")
    u = nt.svd(nt.tensor(A))
    assert u._fields == ("U", "S", "V")
    assert np.allclose((u.U @ nt.diag(u.S) @ u.V.T).numpy(), A)
    full = nt.svd(nt.tensor(A), some=False)
    assert tuple(full.U.shape) == (3, 3) and tuple(full.V.shape) == (4, 4)
    q = nt.qr(nt.tensor(A.T), some=False)
    assert q._fields == ("Q", "R") and tuple(q.Q.shape) == (4, 4)
    assert np.allclose((q.Q @ q.R).numpy(), A.T)
    m = nt.mode(nt.tensor(I))
    assert m._fields == ("values", "indices")


def test_out_args():
    x, m, v = (nt.tensor(a) for a in (V3, A, V4))
    out = nt.empty(0, dtype=nt.float64)
    assert nt.addmv(x, m, v, out=out) is out
    assert np.allclose(out.numpy(), torch.addmv(*(torch.tensor(a) for a in (V3, A, V4))).numpy())
    out = nt.empty(0, dtype=nt.float64)
    nt.quantile(m, 0.5, 1, out=out)
    assert np.allclose(out.numpy(), np.quantile(A, 0.5, 1))


def test_warnings():
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        nt.chain_matmul(nt.tensor(A))
    with pytest.warns(UserWarning, match="cholesky is deprecated"):
        nt.cholesky(nt.tensor(SPD[0]))


ERROR_CASES = [
    ("ri_neg", lambda L, x: L.repeat_interleave(x, -1), A32, "Repeats must be non-negative"),
    ("ri_size", lambda L, x: L.repeat_interleave(x, L.tensor([1, 2, 3]), dim=1), A32,
     "repeats must have the same size"),
    ("ri_float", lambda L, x: L.repeat_interleave(x, L.tensor([1.0, 2, 3]), 0), A32,
     "not implemented for 'Float'"),
    ("ri_2d", lambda L, x: L.repeat_interleave(x, L.tensor([[1, 2, 3]]), 0), A32,
     "0-dim or 1-dim"),
    ("ri_negt", lambda L, x: L.repeat_interleave(x, L.tensor([1, -2, 3]), 0), A32,
     "repeats can not be negative"),
    ("ri_outsize", lambda L, x: L.repeat_interleave(x, 2, 0, output_size=5), A32,
     "Invalid output_size"),
    ("ri_dim", lambda L, x: L.repeat_interleave(x, 2, dim=5), A32, "Dimension out of range"),
    ("ri_kw", lambda L, x: L.repeat_interleave(x, 2, foo=1), A32, None),
    ("ri_floatrep", lambda L, x: L.repeat_interleave(x, 2.0), A32, None),
    ("addmv_size", lambda L, x: L.addmv(x[0, :2], x, x[0]), A32, "size mismatch"),
    ("addmv_dtype", lambda L, x: L.addmv(x[:, 0], x, x[0].double()), A32,
     "must have the same dtype"),
    ("addr_bcast", lambda L, x: L.addr(x[0, :2], x[:, 0], x[0]), A32, "expanded size"),
    ("baddbmm_bcast", lambda L, x: L.baddbmm(x[:2, :2], x[None], x[None].mT), A32,
     "expanded size"),
    ("vdot_2d", lambda L, x: L.vdot(x, x), A32, "1D tensors expected"),
    ("vdot_dtype", lambda L, x: L.vdot(x[0], x[0].double()), A32, "same dtype"),
    ("vdot_len", lambda L, x: L.vdot(x[0], x[:, 0]), A32, "inconsistent tensor size"),
    ("chain_none", lambda L, x: L.chain_matmul(), A32, "Expected one or more matrices"),
    ("chain_3d", lambda L, x: L.chain_matmul(x[None], x), A32, "Tensor dimension is 3"),
    ("mpow_rect", lambda L, x: L.matrix_power(x, 2), A32, "square matrices"),
    ("logdet_rect", lambda L, x: L.logdet(x), A32, "square matrices"),
    ("trapz_pos_dx", lambda L, x: L.trapz(x, 2.0), A32, None),
    ("q_int", lambda L, x: L.quantile(x.long(), 0.5), A32, "float or double"),
    ("q_range", lambda L, x: L.quantile(x, 1.5), A32, "q must be in the range"),
    ("q_rangeT", lambda L, x: L.quantile(x, L.tensor([0.5, 2.0])), A32, "q values must be"),
    ("q_dtype", lambda L, x: L.quantile(x, L.tensor([0.5], dtype=L.float64)), A32,
     "same dtype"),
    ("q_interp", lambda L, x: L.quantile(x, 0.5, interpolation="cubic"), A32,
     "interpolation must be one of"),
    ("q_empty", lambda L, x: L.quantile(x[:0], 0.5), A32, "non-empty"),
    ("q_2d", lambda L, x: L.quantile(x, x[:1, :1].abs()), A32, "scalar or 1D"),
    ("lcse_int", lambda L, x: L.logcumsumexp(x.long(), 0), A32, "not implemented for 'Long'"),
    ("comb_2d", lambda L, x: L.combinations(x), A32, "Expect a 1D vector"),
    ("trapz_x", lambda L, x: L.trapezoid(x, x[0, :2]), A32, "one `x` value"),
    ("renorm_1d", lambda L, x: L.renorm(x[0], 2, 0, 1.0), A32, "at least 2 dimensions"),
    ("renorm_p", lambda L, x: L.renorm(x, 0, 0, 1.0), A32, "non-positive-norm"),
    ("complex_int", lambda L, x: L.complex(x.long(), x.long()), A32, None),
    ("complex_mix", lambda L, x: L.complex(x, x.double()), A32, "Expected object of scalar"),
    ("polar_mix", lambda L, x: L.polar(x, x.double()), A32, "Expected object of scalar"),
]


@pytest.mark.parametrize("fn, arr, match", [pytest.param(f, a, m, id=n)
                                            for n, f, a, m in ERROR_CASES])
def test_errors(fn, arr, match):
    check_raises(fn, arr, match=match)


def test_names_are_new():
    from numtensor.ops import more_functions
    for name in more_functions.FUNCTIONS:
        assert getattr(nt, name) is more_functions.FUNCTIONS[name]
        assert hasattr(torch, name)
    for name in more_functions.METHODS:
        assert hasattr(torch.Tensor, name)


def test_cholesky_error_text():
    with pytest.raises(RuntimeError, match="^cholesky: The factorization could not be "
                                           "completed .* order 1 is not positive-definite"):
        nt.cholesky(-nt.eye(2))


@pytest.mark.parametrize("op", ["addmv", "addr", "baddbmm", "addbmm"])
@pytest.mark.parametrize("needs", [(True, True, True), (False, True, False), (True, False, False)])
def test_products_with_a_bias_record_pytorchs_node(op, needs):
    """AddmvBackward0, AddrBackward0, BaddbmmBackward0, AddbmmBackward0: one node with an
    edge per argument (None where it needs no gradient), the gradients PyTorch's; the
    in-place forms record the same node."""
    shapes = {"addmv": ((3,), (3, 4), (4,)), "addr": ((3, 4), (3,), (4,)),
              "baddbmm": ((2, 3, 5), (2, 3, 4), (2, 4, 5)),
              "addbmm": ((3, 5), (2, 3, 4), (2, 4, 5))}[op]
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(s) for s in shapes]
    seen = []
    for lib in (nt, torch):
        args = [lib.tensor(a, requires_grad=n) for a, n in zip(arrays, needs)]
        out = getattr(lib, op)(*args, beta=0.5, alpha=2.0)
        out.sum().backward()
        node = out.grad_fn
        seen.append((type(node).__name__,
                     [None if f is None else type(f).__name__ for f, _ in node.next_functions],
                     [None if a.grad is None else a.grad.numpy() for a in args]))
        inplace = lib.tensor(arrays[0], requires_grad=True) * 1
        getattr(inplace, op + "_")(*args[1:])
        assert type(inplace.grad_fn).__name__ == seen[-1][0]
    (name_n, edges_n, grads_n), (name_t, edges_t, grads_t) = seen
    assert (name_n, edges_n) == (name_t, edges_t)
    for gn, gt in zip(grads_n, grads_t):
        assert (gn is None) == (gt is None)
        if gn is not None:
            np.testing.assert_allclose(gn, gt, rtol=1e-12)
