"""select_scatter, slice_scatter and masked_scatter / masked_scatter_
(numtensor/ops/more_functions.py) against real torch."""
import numpy as np
import pytest

import numtensor as nt
from autograd_helpers import assert_grads_match_torch
from core_helpers import check, check_raises

import torch  # noqa: E402  (the oracle)

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4))
A3 = rng.standard_normal((2, 3, 4))
ROW, COL = rng.standard_normal(4), rng.standard_normal(3)
S24 = rng.standard_normal((2, 4))
S32 = rng.standard_normal((3, 2))
SRC = rng.standard_normal(30)
MASK = rng.random((3, 4)) < 0.5
MROW = np.array([True, False, True, True])
MCOL = np.array([[True], [False], [True]])


def _m(lib, arr):
    return lib.tensor(arr)


VALUE_CASES = [
    ("sel_row", lambda L, x, s: L.select_scatter(x, s, 0, 1), A, ROW),
    ("sel_col_neg", lambda L, x, s: L.select_scatter(x, s, 1, -1), A, COL),
    ("sel_neg_dim", lambda L, x, s: L.select_scatter(x, s, -2, -3), A, ROW),
    ("sel_method", lambda L, x, s: x.select_scatter(s, 1, 0), A, COL),
    ("sel_3d", lambda L, x, s: L.select_scatter(x, s, 1, 2), A3, S24),
    ("sel_cast", lambda L, x, s: L.select_scatter(x.float(), s, 0, 1), A, ROW),
    ("sl_default", lambda L, x, s: L.slice_scatter(x, s), A, A * 2),
    ("sl_rows", lambda L, x, s: L.slice_scatter(x, s, 0, 1), A, S24),
    ("sl_step", lambda L, x, s: L.slice_scatter(x, s, 1, 0, None, 2), A, S32),
    ("sl_neg", lambda L, x, s: L.slice_scatter(x, s, -1, -3, -1), A, S32),
    ("sl_clamp", lambda L, x, s: L.slice_scatter(x, s[:1], 0, -1, 100), A, S24),
    ("sl_empty", lambda L, x, s: L.slice_scatter(x, s[:0], 0, 5, 100), A, S24),
    ("sl_kw", lambda L, x, s: x.slice_scatter(src=s, dim=1, start=1, end=4, step=2), A, S32),
    ("ms_full", lambda L, x, s: L.masked_scatter(x, _m(L, MASK), s), A, SRC),
    ("ms_row", lambda L, x, s: L.masked_scatter(x, _m(L, MROW), s), A, SRC),
    ("ms_col", lambda L, x, s: x.masked_scatter(_m(L, MCOL), s), A, SRC),
    ("ms_bcast_in", lambda L, x, s: L.masked_scatter(x, _m(L, MASK), s), ROW, SRC),
    ("ms_src2d", lambda L, x, s: L.masked_scatter(x, _m(L, MASK), s.reshape(5, 6)), A, SRC),
    ("ms_exact", lambda L, x, s: L.masked_scatter(x, _m(L, MROW), s[:9]), A, SRC),
    ("ms_none", lambda L, x, s: L.masked_scatter(x, _m(L, MASK & False), s[:0]), A, SRC),
    ("ms_int", lambda L, x, s: L.masked_scatter((x * 10).long(), _m(L, MASK),
                                                (s * 10).long()), A, SRC),
    ("ms_bool", lambda L, x, s: L.masked_scatter(x > 0, _m(L, MASK), s > 0), A, SRC),
]


@pytest.mark.parametrize("name,fn,x,s", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values(name, fn, x, s):
    check(fn, x, s)
    check(lambda L, a, b: fn(L, a.t().contiguous().t() if a.ndim == 2 else a, b), x, s)


NONCONTIG_CASES = [
    ("sel", lambda L, x, s: L.select_scatter(x, s, 1, 1), COL),
    ("sl", lambda L, x, s: L.slice_scatter(x, s, 1, 1, 3), S32),
    ("ms", lambda L, x, s: L.masked_scatter(x, _m(L, MASK), s), SRC),
]


@pytest.mark.parametrize("layout", ["transposed", "sliced"])
@pytest.mark.parametrize("name,fn,s", NONCONTIG_CASES, ids=[c[0] for c in NONCONTIG_CASES])
def test_grads(name, fn, s, layout):
    assert_grads_match_torch(torch, fn, [A, s], layout=layout, check_name=False)


def test_grads_broadcast_mask_and_input():
    assert_grads_match_torch(torch, lambda L, x, s: L.masked_scatter(x, _m(L, MCOL), s),
                             [ROW, SRC], check_name=False)


def test_masked_scatter_inplace():
    for lib in (torch, nt):
        x = lib.zeros(3, 4)
        r = x.masked_scatter_(lib.tensor(MROW), lib.arange(20.0))
        assert r is x
    check(lambda L, x, s: x.clone().masked_scatter_(_m(L, MASK), s), A, SRC)
    check(lambda L, x, s: x.t().masked_scatter_(_m(L, MCOL.T), s), A, SRC)


def test_masked_scatter_inplace_grads():
    def fn(L, x, s):
        y = x * 2
        y.masked_scatter_(_m(L, MASK), s)
        return y
    assert_grads_match_torch(torch, fn, [A, SRC], check_name=False)


def test_gradcheck():
    x = nt.tensor(A[:2, :3].copy(), requires_grad=True)
    s3 = nt.tensor(ROW[:3].copy(), requires_grad=True)
    s2 = nt.tensor(COL[:2].copy(), requires_grad=True)
    src = nt.tensor(SRC[:7].copy(), requires_grad=True)
    m = nt.tensor(MASK[:2, :3])
    assert nt.autograd.gradcheck(lambda a, b: nt.select_scatter(a, b, 0, 1), (x, s3))
    assert nt.autograd.gradcheck(lambda a, b: nt.slice_scatter(a, b, 1, 1, 2), (x, s2[:, None]))
    assert nt.autograd.gradcheck(lambda a, b: nt.masked_scatter(a, m, b), (x, src))


ERROR_CASES = [
    (lambda L, x, s: L.select_scatter(x, s[:3], 0, 1),
     "expected src to have a size equal to the slice of self. src size = [3], slice size = [4]"),
    (lambda L, x, s: L.select_scatter(x, s[:4], 0, 5),
     "select(): index 5 out of range for tensor of size [3, 4] at dimension 0"),
    (lambda L, x, s: L.select_scatter(x, s[:4], 2, 0), "Dimension out of range"),
    (lambda L, x, s: L.slice_scatter(x, s[:8].reshape(2, 4), 0, 0, 3),
     "src size = [2, 4], slice size = [3, 4]"),
    (lambda L, x, s: L.slice_scatter(x, s[:12].reshape(3, 4), 0, None, None, 0),
     "slice step must be positive"),
    (lambda L, x, s: L.slice_scatter(x, s[:12].reshape(3, 4), 0, None, None, -1),
     "slice step must be positive"),
    (lambda L, x, s: L.masked_scatter(x, _m(L, MASK).double(), s),
     "masked_scatter_ only supports boolean masks, but got mask with dtype Double"),
    (lambda L, x, s: L.masked_scatter(x, _m(L, MASK), s.float()),
     "masked_scatter: expected self and source to have same dtypes but gotDouble and Float"),
    (lambda L, x, s: L.masked_scatter(x, _m(L, MASK).float(), s.float()),
     "expected self and source to have same dtypes"),
    (lambda L, x, s: L.masked_scatter(x, _m(L, MROW), s[:8]),
     "Number of elements of source < number of ones in mask"),
    (lambda L, x, s: L.masked_scatter(x, _m(L, MROW), s[:0]),
     "Number of elements of source < number of ones in mask"),
    (lambda L, x, s: L.masked_scatter(x, _m(L, np.ones(5, bool)), s),
     "The size of tensor a (5) must match the size of tensor b (4)"),
    (lambda L, x, s: x.masked_scatter_(_m(L, MASK).long(), s),
     "only supports boolean masks, but got mask with dtype Long"),
    (lambda L, x, s: x[0].masked_scatter_(_m(L, MASK), s), "must be greater or equal to"),
    (lambda L, x, s: L.masked_scatter(x, _m(L, MASK), 1.0),
     "masked_scatter(): argument 'source' (position 3) must be Tensor, not float"),
]


@pytest.mark.parametrize("k", range(len(ERROR_CASES)))
def test_errors(k):
    fn, match = ERROR_CASES[k]
    check_raises(fn, A, SRC, match=match)


def test_registered():
    for name in ("select_scatter", "slice_scatter", "masked_scatter"):
        assert callable(getattr(nt, name)) and callable(getattr(nt.Tensor, name))
    assert nt.Tensor.masked_scatter_.__name__ == "masked_scatter_"
