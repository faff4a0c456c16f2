"""diff, median/nanmedian, nansum/nanmean, cummax/cummin, the element-wise extras
(logaddexp ... nan_to_num), isin, cov/corrcoef and cdist (numtensor/ops/more_math.py)
against real torch: shapes (0-d, empty), dtypes, views, errors, out= and gradients."""
import warnings

import numpy as np
import pytest

import numtensor as nt
from autograd_helpers import assert_grads_match_torch
from core_helpers import check, check_raises

import torch  # noqa: E402  (required: CI fails without the oracle)

NAN, INF = float("nan"), float("inf")


def floats(*shape, dtype=np.float32, seed=0):
    """Distinct random values in [-3, 3] (no ties: median and sort indices are unique)."""
    return (np.random.default_rng(seed).random(shape) * 6 - 3).astype(dtype)


def ints(*shape, seed=0, lo=-4, hi=5):
    return np.random.default_rng(seed).integers(lo, hi, shape).astype(np.int64)


def with_nans(a, seed=0):
    a = a.copy()
    flat = a.reshape(-1)
    flat[np.random.default_rng(seed).random(flat.size) < 0.3] = NAN
    return a


F = floats(3, 4)
F64 = floats(3, 4, dtype=np.float64, seed=1)
F3 = floats(2, 3, 4, seed=2)
I = ints(3, 4)
B = I > 0
N = with_nans(floats(4, 5, seed=3))
S = np.array(1.25, np.float32)  # 0-d
E = np.zeros((0, 3), np.float32)  # empty
SPECIAL = np.array([[NAN, INF, -INF, 0.0], [-0.0, 1.5, -2.5, 1e-30]], np.float32)
P = (np.random.default_rng(4).random((3, 4)) * 0.98 + 0.01).astype(np.float32)  # in (0, 1)


def _cases(*groups):
    """pytest params from (id, fn, arrays...) rows."""
    return [pytest.param(fn, arrays, id=name) for name, fn, *arrays in groups]


# ---- diff ------------------------------------------------------------------------------
DIFF = _cases(
    ("default", lambda L, a: L.diff(a), F),
    ("n2_dim0", lambda L, a: L.diff(a, 2, 0), F),
    ("n0", lambda L, a: L.diff(a, n=0), F),
    ("n_past_size", lambda L, a: L.diff(a, 7), F),
    ("3d_dim1", lambda L, a: L.diff(a, dim=1), F3),
    ("float64", lambda L, a: L.diff(a, 1, -2), F64),
    ("int64", lambda L, a: L.diff(a, 2), I),
    ("uint8_wraps", lambda L, a: L.diff(a.to(L.uint8)), I),
    ("bool_xor", lambda L, a: L.diff(a, 2), B),
    ("transposed", lambda L, a: L.diff(a.t()), F),
    ("stepped", lambda L, a: L.diff(a[:, ::2], dim=0), F),
    ("prepend_append", lambda L, a: L.diff(a, prepend=a[:, :2], append=a[:, :1] * 2), F),
    ("prepend_dim0", lambda L, a: L.diff(a, dim=0, prepend=a[:1]), F),
    ("prepend_promotes", lambda L, a, i: L.diff(a, prepend=i[:, :1]), F, I),
    ("empty", lambda L, a: L.diff(a, dim=0), E),
    ("empty_other_dim", lambda L, a: L.diff(a), E),
    ("method", lambda L, a: a.diff(n=2, dim=0, append=a), F),
    ("out", lambda L, a: L.diff(a, out=L.empty(0, dtype=L.float64)), F),
    # errors
    ("0d", lambda L, a: L.diff(a), S),
    ("negative_n", lambda L, a: L.diff(a, -1), F),
    ("bad_dim", lambda L, a: L.diff(a, dim=2), F),
    ("prepend_ndim", lambda L, a: L.diff(a, prepend=a[0]), F),
    ("prepend_shape", lambda L, a: L.diff(a, dim=0, prepend=a[:, :2]), F),
    ("prepend_number", lambda L, a: L.diff(a, prepend=0), F),
    ("bool_n", lambda L, a: L.diff(a, n=True), F),
    ("float_n", lambda L, a: L.diff(a, 1.0), F),
    ("out_dtype", lambda L, a: L.diff(a, out=L.empty(0, dtype=L.int64)), F),
    ("unknown_keyword", lambda L, a: L.diff(a, m=1), F),
)


@pytest.mark.parametrize("fn,arrays", DIFF)
def test_diff(fn, arrays):
    check(fn, *arrays)


def test_diff_messages():
    check_raises(lambda L, a: L.diff(a), S, match="at least one-dimensional")
    check_raises(lambda L, a: L.diff(a, -2), F, match="order must be non-negative but got -2")
    check_raises(lambda L, a: L.diff(a, dim=0, prepend=a[:, :2]), F,
                 match="input.size(1) = 4, but got tensor.size(1) = 2")


# ---- median and nanmedian --------------------------------------------------------------
MEDIAN = _cases(
    ("all_even", lambda L, a: L.median(a), F),
    ("all_odd", lambda L, a: L.median(a[:, :3]), F),
    ("all_int", lambda L, a: L.median(a), I),
    ("all_nan", lambda L, a: L.median(a), N),
    ("all_0d", lambda L, a: L.median(a), S),
    ("all_empty", lambda L, a: L.median(a), E),
    ("dim1", lambda L, a: L.median(a, 1), F),
    ("dim0_keepdim", lambda L, a: L.median(a, 0, keepdim=True), F),
    ("dim_neg_3d", lambda L, a: L.median(a, -2), F3),
    ("dim_float64", lambda L, a: L.median(a, 0), F64),
    ("dim_nan_first", lambda L, a: L.median(a, 1), N),
    ("dim_0d", lambda L, a: L.median(a, 0, True), S),
    ("dim_empty_rows", lambda L, a: L.median(a, 1), E),
    ("transposed", lambda L, a: L.median(a.t(), 1), F),
    ("stepped", lambda L, a: L.median(a[:, ::2], 0), F),
    ("method", lambda L, a: a.median(dim=1), F),
    ("method_all", lambda L, a: a.median(), F),
    ("nan_all", lambda L, a: L.nanmedian(a), N),
    ("nan_dim", lambda L, a: L.nanmedian(a, 1), N),
    ("nan_dim_all_nan_row", lambda L, a: L.nanmedian(a[:1, :1].expand(2, 3) * NAN, 1).values, F),
    ("nan_int", lambda L, a: L.nanmedian(a, 0), I),
    ("nan_method", lambda L, a: a.nanmedian(0, True), N),
    ("out_pair", lambda L, a: L.median(a, 1, out=(L.empty(0), L.empty(0, dtype=L.int64))), F),
    ("nan_out_pair", lambda L, a: L.nanmedian(a, 1, out=[L.empty(0), L.empty(0, dtype=L.long)]), N),
    # errors
    ("bool", lambda L, a: L.median(a), B),
    ("bool_dim", lambda L, a: L.median(a, 0), B),
    ("complex", lambda L, a: L.median(a.to(L.complex64), 0), F),
    ("empty_dim", lambda L, a: L.median(a, 0), E),
    ("dim_none", lambda L, a: L.median(a, None), F),
    ("method_dim_none", lambda L, a: a.median(dim=None), F),
    ("bad_dim", lambda L, a: L.median(a, 2), F),
    ("out_without_dim", lambda L, a: L.median(a, out=L.empty(0)), F),
    ("out_values_dtype",
     lambda L, a: L.median(a, 0, out=(L.empty(0).double(), L.empty(0).long())), F),
    ("out_indices_dtype", lambda L, a: L.median(a, 0, out=(L.empty(0), L.empty(0))), F),
    ("out_not_pair", lambda L, a: L.median(a, 0, out=L.empty(0)), F),
)


@pytest.mark.parametrize("fn,arrays", MEDIAN)
def test_median(fn, arrays):
    check(fn, *arrays)


def test_median_is_the_lower_middle_value_and_its_index():
    # ties: PyTorch's index among equal values depends on its selection algorithm, so
    # only the value and that the index points at it are compared
    a = np.array([[5, 2, 2, 7, 2, 2], [1, 3, 3, 1, 0, 9]], np.int64)
    got, want = nt.median(nt.from_numpy(a), 1), torch.median(torch.from_numpy(a), 1)
    assert got.values.tolist() == want.values.tolist()
    assert (nt.from_numpy(a).gather(1, got.indices.unsqueeze(1)).squeeze(1)
            == got.values).all().item()
    check_raises(lambda L, a: L.median(a, 0), E, match="Expected reduction dim 0 to have non-zero")
    check_raises(lambda L, a: L.median(a.to(L.complex64)), F,
                 match="\"median_cpu\" not implemented")
    assert repr(nt.nanmedian(nt.from_numpy(F), 0)).startswith("torch.return_types.nanmedian(")


# ---- nansum and nanmean ----------------------------------------------------------------
NAN_REDUCTIONS = _cases(
    ("sum_all", lambda L, a: L.nansum(a), N),
    ("sum_dim", lambda L, a: L.nansum(a, 1), N),
    ("sum_dims_keepdim", lambda L, a: L.nansum(a, (0, 1), True), N),
    ("sum_none_keepdim", lambda L, a: L.nansum(a, None, True), N),
    ("sum_empty_dims", lambda L, a: L.nansum(a, []), N),
    ("sum_dtype", lambda L, a: L.nansum(a, 0, dtype=L.float64), N),
    ("sum_nan_to_int", lambda L, a: L.nansum(a, dtype=L.int64), N),
    ("sum_int", lambda L, a: L.nansum(a, 0), I),
    ("sum_bool", lambda L, a: L.nansum(a), B),
    ("sum_int_to_float", lambda L, a: L.nansum(a, dtype=L.float32), I),
    ("sum_half", lambda L, a: L.nansum(a.half(), 1), N),
    ("sum_0d", lambda L, a: L.nansum(a), S),
    ("sum_empty", lambda L, a: L.nansum(a, 0), E),
    ("sum_transposed", lambda L, a: L.nansum(a.t(), 1), N),
    ("sum_method", lambda L, a: a.nansum(dim=0, keepdim=True, dtype=L.float64), N),
    ("sum_out", lambda L, a: L.nansum(a, 0, out=L.empty(0, dtype=L.float64)), N),
    ("sum_out_all", lambda L, a: L.nansum(a, out=L.empty(())), N),
    ("mean_all", lambda L, a: L.nanmean(a), N),
    ("mean_dim", lambda L, a: L.nanmean(a, 0), N),
    ("mean_keepdim", lambda L, a: L.nanmean(a, -1, keepdim=True), N),
    ("mean_dtype", lambda L, a: L.nanmean(a, dtype=L.float64), N),
    ("mean_float64", lambda L, a: L.nanmean(a, 1), F64),
    ("mean_all_nan", lambda L, a: L.nanmean(a * NAN, 1), F),
    ("mean_empty", lambda L, a: L.nanmean(a, 0), E),
    ("mean_0d", lambda L, a: L.nanmean(a), S),
    ("mean_stepped", lambda L, a: L.nanmean(a[:, ::2], 1), N),
    ("mean_method", lambda L, a: a.nanmean(1, True), N),
    ("mean_out", lambda L, a: L.nanmean(a, out=L.empty(0, dtype=L.float64)), N),
    # errors
    ("sum_complex", lambda L, a: L.nansum(a.to(L.complex64)), F),
    ("sum_method_positional_dtype", lambda L, a: a.nansum(0, False, L.float64), F),
    ("sum_out_int", lambda L, a: L.nansum(a, out=L.empty(0, dtype=L.int64)), N),
    ("mean_int", lambda L, a: L.nanmean(a), I),
    ("mean_int_dtype", lambda L, a: L.nanmean(a, dtype=L.float64), I),
    ("mean_complex", lambda L, a: L.nanmean(a.to(L.complex64)), F),
    ("mean_out_int", lambda L, a: L.nanmean(a, 0, out=L.empty(0, dtype=L.int64)), N),
)


@pytest.mark.parametrize("fn,arrays", NAN_REDUCTIONS)
def test_nan_reductions(fn, arrays):
    check(fn, *arrays, atol=1e-3)


# ---- cummax and cummin -----------------------------------------------------------------
TIES = ints(4, 9, seed=5, lo=0, hi=3)  # many equal values: the later index must win
RUNNING = _cases(*[
    (f"{name}_{case}", (lambda L, a, name=name, call=call: call(getattr(L, name), a, L)), arr)
    for name in ("cummax", "cummin")
    for case, call, arr in (
        ("dim1", lambda f, a, L: f(a, 1), F),
        ("dim0", lambda f, a, L: f(a, 0), F),
        ("3d", lambda f, a, L: f(a, -1), F3),
        ("long_line", lambda f, a, L: f(a.reshape(2, 30), 1), np.tile(TIES.reshape(-1), 2)[:60]),
        ("ties_int", lambda f, a, L: f(a, 1), TIES),
        ("ties_float64", lambda f, a, L: f(a.double(), 1), TIES),
        ("nan", lambda f, a, L: f(a, 1), N),
        ("nan_dim0", lambda f, a, L: f(a, 0), N),
        ("bool", lambda f, a, L: f(a, 1), B),
        ("uint8", lambda f, a, L: f(a.to(L.uint8), 1), TIES),
        ("0d", lambda f, a, L: f(a, 0), S),
        ("empty", lambda f, a, L: f(a, 1), E),
        ("transposed", lambda f, a, L: f(a.t(), 1), F),
        ("stepped", lambda f, a, L: f(a[:, ::2], 0), F),
        ("out", lambda f, a, L: f(a, 1, out=(a.new_empty(0), a.new_empty(0).long())), F),
        ("bad_dim", lambda f, a, L: f(a, 2), F),
        ("dim_none", lambda f, a, L: f(a, None), F),
        ("complex", lambda f, a, L: f(a.to(L.complex64), 0), F),
        ("out_values_dtype", lambda f, a, L: f(a, 1, out=(a.new_empty(0).double(),
                                                        a.new_empty(0).long())), F),
        ("out_indices_dtype",
         lambda f, a, L: f(a, 1, out=(a.new_empty(0), a.new_empty(0).int())), F),
        ("out_not_pair", lambda f, a, L: f(a, 1, out=a.new_empty(0)), F),
    )
] + [
    ("cummax_method", lambda L, a: a.cummax(dim=0), TIES),
    ("cummin_method", lambda L, a: a.cummin(1), N),
])


@pytest.mark.parametrize("fn,arrays", RUNNING)
def test_cummax_cummin(fn, arrays):
    check(fn, *arrays)


# ---- element-wise ----------------------------------------------------------------------
ROW = F[:1]  # broadcasts against F
ELEMENTWISE = _cases(
    ("logaddexp", lambda L, a, b: L.logaddexp(a, b), F, ROW),
    ("logaddexp_float64", lambda L, a, b: L.logaddexp(a, b * 30), F64, F64[:, :1] * 2),
    ("logaddexp_special", lambda L, a: L.logaddexp(a, a.flip(0)), SPECIAL),
    ("logaddexp_same_inf", lambda L, a: L.logaddexp(a, a), SPECIAL),
    ("logaddexp_int_float", lambda L, i, a: L.logaddexp(i, a), I, F),
    ("logaddexp_complex", lambda L, a, b: L.logaddexp(a.to(L.complex64), b * 1j), F, F),
    ("logaddexp_0d_empty", lambda L, s, e: L.logaddexp(s, e), S, E),
    ("logaddexp_method", lambda L, a: a.logaddexp(a.t().t()), F),
    ("logaddexp_out", lambda L, a: L.logaddexp(a, a, out=L.empty(0, dtype=L.float64)), F),
    ("logaddexp_int", lambda L, i: L.logaddexp(i, i), I),
    ("logaddexp_number", lambda L, a: L.logaddexp(a, 2.0), F),
    ("logaddexp_out_int", lambda L, a: L.logaddexp(a, a, out=L.empty(0, dtype=L.int64)), F),
    ("logaddexp2", lambda L, a, b: L.logaddexp2(a, b), F, ROW),
    ("logaddexp2_special", lambda L, a: L.logaddexp2(a, a.flip(1)), SPECIAL),
    ("logaddexp2_large", lambda L, a: L.logaddexp2(a * 100, -a * 100), F64),
    ("logaddexp2_method", lambda L, a: a.t().logaddexp2(a.t()), F),
    ("logaddexp2_bool", lambda L, b: L.logaddexp2(b, b), B),
    ("hypot", lambda L, a, b: L.hypot(a, b), F, ROW),
    ("hypot_float64_huge", lambda L, a: L.hypot(a * 1e200, a.flip(0) * 1e-200), F64),
    ("hypot_special", lambda L, a: L.hypot(a, a.flip(0).flip(1)), SPECIAL),
    ("hypot_half", lambda L, a: L.hypot(a.half(), a.half() + 1), F),
    ("hypot_int_float", lambda L, i, a: L.hypot(i, a), I, F),
    ("hypot_method_inplace", lambda L, a: a.clone().hypot_(a[0]), F),
    ("hypot_out", lambda L, a: L.hypot(a, a, out=L.empty(3, 4, dtype=L.float64)), F),
    ("hypot_int", lambda L, i: L.hypot(i, i), I),
    ("hypot_complex", lambda L, a: L.hypot(a.to(L.complex64), a), F),
    ("hypot_number", lambda L, a: L.hypot(a, 2.0), F),
    ("xlogy", lambda L, a, p: L.xlogy(a, p), F, P),
    ("xlogy_zeros", lambda L, a: L.xlogy(a * (a > 0), a.abs() * (a < 1)), F),
    ("xlogy_special", lambda L, a: L.xlogy(a, a.flip(0)), SPECIAL),
    ("xlogy_int", lambda L, i: L.xlogy(i, i), I),
    ("xlogy_bool", lambda L, b: L.xlogy(b, b), B),
    ("xlogy_number_other", lambda L, a: L.xlogy(a, 3), F),
    ("xlogy_number_self", lambda L, p: L.xlogy(2.5, p), P),
    ("xlogy_int_number", lambda L, i: L.xlogy(2, i), I),
    ("xlogy_0d_promotion", lambda L, a, b: L.xlogy(a, b.double()), F, S),
    ("xlogy_method", lambda L, a, p: a.xlogy(p), F, P),
    ("xlogy_inplace", lambda L, a, p: a.clone().xlogy_(p), F, P),
    ("xlogy_inplace_int", lambda L, i: i.clone().xlogy_(i), I),
    ("xlogy_out", lambda L, a, p: L.xlogy(a, p, out=L.empty(0, dtype=L.float64)), F, P),
    ("xlogy_complex", lambda L, a: L.xlogy(a.to(L.complex64), a), F),
    ("xlogy_numbers", lambda L, a: L.xlogy(2, 3), F),
    ("float_power", lambda L, p, a: L.float_power(p, a), P, F),
    ("float_power_int", lambda L, i: L.float_power(i, 2), I),
    ("float_power_number_base", lambda L, a: L.float_power(2, a), F),
    ("float_power_complex", lambda L, a: L.float_power(a, 1j), F),
    ("float_power_complex_base", lambda L, a: L.float_power(a.to(L.complex64), 2), F),
    ("float_power_bool", lambda L, b: L.float_power(b, b), B),
    ("float_power_method", lambda L, a: a.float_power(3), F),
    ("float_power_inplace", lambda L, a: a.clone().float_power_(2), F64),
    ("float_power_inplace_float32", lambda L, a: a.clone().float_power_(2), F),
    ("float_power_out", lambda L, a: L.float_power(a, 2, out=L.empty(0, dtype=L.float64)), F),
    ("float_power_out_float32", lambda L, a: L.float_power(a, 2, out=L.empty(0)), F),
    ("float_power_numbers", lambda L, a: L.float_power(2, 3), F),
    ("sgn", lambda L, a: L.sgn(a), SPECIAL),
    ("sgn_int", lambda L, i: L.sgn(i), I),
    ("sgn_bool", lambda L, b: L.sgn(b), B),
    ("sgn_complex", lambda L, a, b: L.sgn(L.view_as_complex(L.stack([a, b * (a > 0)], -1))), F, F),
    ("sgn_method_inplace", lambda L, a: a.clone().sgn_(), F),
    ("sgn_out", lambda L, a: L.sgn(a, out=L.empty(0)), F),
    ("sgn_out_dtype", lambda L, a: L.sgn(a, out=L.empty(0, dtype=L.float64)), F),
    ("signbit", lambda L, a: L.signbit(a), SPECIAL),
    ("signbit_negative_nan", lambda L, a: L.signbit(-a), SPECIAL),
    ("signbit_float64", lambda L, a: L.signbit(-a[:, ::2]), F64),
    ("signbit_half", lambda L, a: L.signbit(a.half()), SPECIAL),
    ("signbit_int", lambda L, i: L.signbit(i.t()), I),
    ("signbit_uint8_bool", lambda L, i, b: (L.signbit(i.to(L.uint8)), L.signbit(b)), I, B),
    ("signbit_method", lambda L, a: a.signbit(), S),
    ("signbit_out", lambda L, a: L.signbit(a, out=L.empty(0, dtype=L.bool)), F),
    ("signbit_out_float", lambda L, a: L.signbit(a, out=L.empty(0)), F),
    ("signbit_complex", lambda L, a: L.signbit(a.to(L.complex64)), F),
    ("heaviside", lambda L, a: L.heaviside(a, a.new_tensor([0.5, 2.0, -1.0, 7.0])), SPECIAL),
    ("heaviside_0d_values", lambda L, a: L.heaviside(a * (a > 0), a[0, 0]), F),
    ("heaviside_int", lambda L, i: L.heaviside(i, i[0]), I),
    ("heaviside_bool", lambda L, b: L.heaviside(b, b.t().t()), B),
    ("heaviside_method_inplace", lambda L, a: a.clone().heaviside_(a[0]), SPECIAL),
    ("heaviside_out", lambda L, a: L.heaviside(a, a, out=L.empty(0)), F),
    ("heaviside_out_dtype", lambda L, a: L.heaviside(a, a, out=L.empty(0, dtype=L.float64)), F),
    ("heaviside_dtypes", lambda L, a, i: L.heaviside(a, i), F, I),
    ("heaviside_complex", lambda L, a: L.heaviside(a.to(L.complex64), a.to(L.complex64)), F),
    ("heaviside_number", lambda L, a: L.heaviside(a, 2.0), F),
    ("logit", lambda L, p: L.logit(p), P),
    ("logit_eps", lambda L, p: L.logit(p, 0.2), P),
    ("logit_eps_keyword", lambda L, p: L.logit(p.double(), eps=1e-3), P),
    ("logit_big_eps", lambda L, p: L.logit(p, 2), P),
    ("logit_int_bool", lambda L, i, b: (L.logit(i), L.logit(b)), I, B),
    ("logit_special", lambda L, a: L.logit(a), SPECIAL),
    ("logit_method", lambda L, p: p.t().logit(0.25), P),
    ("logit_inplace", lambda L, p: p.clone().logit_(eps=0.1), P),
    ("logit_inplace_int", lambda L, i: i.clone().logit_(), I),
    ("torch_logit_", lambda L, p: L.logit_(p.clone(), 0.1), P),
    ("logit_out", lambda L, p: L.logit(p, out=L.empty(0, dtype=L.float64)), P),
    ("logit_out_int", lambda L, p: L.logit(p, out=L.empty(0, dtype=L.int64)), P),
    ("logit_complex", lambda L, p: L.logit(p.to(L.complex64)), P),
    ("nan_to_num", lambda L, a: L.nan_to_num(a), SPECIAL),
    ("nan_to_num_values", lambda L, a: L.nan_to_num(a, 1.0, posinf=2.0, neginf=-3.0), SPECIAL),
    ("nan_to_num_overflow", lambda L, a: L.nan_to_num(a, nan=-7.0, posinf=1e300), SPECIAL),
    ("nan_to_num_float64", lambda L, a: L.nan_to_num(a.double(), neginf=0.0), SPECIAL),
    ("nan_to_num_none", lambda L, a: L.nan_to_num(a, nan=None, posinf=None), SPECIAL),
    ("nan_to_num_half", lambda L, a: L.nan_to_num(a.half()), SPECIAL),
    ("nan_to_num_int", lambda L, i: L.nan_to_num(i, nan=1.5), I),
    ("nan_to_num_bool", lambda L, b: L.nan_to_num(b), B),
    ("nan_to_num_complex", lambda L, a, b: L.nan_to_num(L.view_as_complex(L.stack([a, b], -1))),
     SPECIAL, SPECIAL[::-1].copy()),
    ("nan_to_num_stepped", lambda L, a: L.nan_to_num(a[:, ::2]), SPECIAL),
    ("nan_to_num_method", lambda L, a: a.t().nan_to_num(posinf=5.0), SPECIAL),
    ("nan_to_num_inplace", lambda L, a: a.clone().nan_to_num_(nan=9.0), SPECIAL),
    ("torch_nan_to_num_", lambda L, a: L.nan_to_num_(a.clone(), neginf=-1.0), SPECIAL),
    ("nan_to_num_out", lambda L, a: L.nan_to_num(a, out=L.empty(0)), SPECIAL),
    ("nan_to_num_out_dtype",
     lambda L, a: L.nan_to_num(a, out=L.empty(0, dtype=L.float64)), SPECIAL),
    ("torch_xlogy_", lambda L, a, p: L.xlogy_(a.clone(), p), F, P),
    ("out_requires_grad", lambda L, a: L.hypot(a.requires_grad_(), a, out=L.empty(0)), F),
)


@pytest.mark.parametrize("fn,arrays", ELEMENTWISE)
def test_elementwise(fn, arrays):
    check(fn, *arrays, atol=1e-4, rtol=1e-4)


def test_elementwise_messages():
    check_raises(lambda L, a: L.float_power(a, 2, out=L.empty(0)), F,
                 match="the output given to float_power has dtype Float but the operation's "
                       "result requires dtype Double")
    check_raises(lambda L, a: a.clone().float_power_(2), F,
                 match="the base given to float_power_ has dtype Float")
    check_raises(lambda L, a: L.signbit(a, out=L.empty(0)), F, match="non-boolean outputs")
    check_raises(lambda L, a, i: L.heaviside(a, i), F, I, match="different dtypes")
    check_raises(lambda L, a: L.nan_to_num(a, out=L.empty(0, dtype=L.float64)), F,
                 match="nan_to_num: dtype of out: Double should be same as input: Float")
    check_raises(lambda L, i: L.hypot(i, i), I, match="\"hypot_cpu\" not implemented for 'Long'")
    check_raises(lambda L, a: L.hypot(a, 2.0), F,
                 match="argument 'other' (position 2) must be Tensor, not float")


# ---- isin --------------------------------------------------------------------------------
ISIN = _cases(
    ("tensors", lambda L, i: L.isin(i, i[0]), I),
    ("2d_test", lambda L, i, j: L.isin(i, j), I, ints(2, 3, seed=9)),
    ("transposed_elements", lambda L, i: L.isin(i.t(), i[:2]), I),
    ("invert", lambda L, i, j: L.isin(i, j, invert=True), I, ints(5, seed=9)),
    ("assume_unique", lambda L, i: L.isin(i[0], i[1], assume_unique=True), ints(2, 6, seed=3)),
    ("float_int", lambda L, a, i: L.isin(a.round(), i), F, I),
    ("int_float", lambda L, i, a: L.isin(i, a.round()), I, F),
    ("nan", lambda L, a: L.isin(a, a), SPECIAL),
    ("signed_zero", lambda L, a: L.isin(a, a.new_tensor([0.0])), SPECIAL),
    ("uint8_negative", lambda L, i: L.isin(i.abs().to(L.uint8), i.new_tensor([-1, 3])), I),
    ("empty_test", lambda L, i: L.isin(i, i[:0]), I),
    ("empty_elements", lambda L, e, a: L.isin(e, a), E, F),
    ("0d", lambda L, s, a: L.isin(s, a), S, F),
    ("number_test", lambda L, i: L.isin(i, 2), I),
    ("float_number_test", lambda L, i: L.isin(i, 2.5), I),
    ("number_elements", lambda L, i: L.isin(3, i), I),
    ("number_elements_invert", lambda L, i: L.isin(3, i, invert=True), I),
    ("out", lambda L, i: L.isin(i, i[0], out=L.empty(0, dtype=L.bool)), I),
    # errors
    ("out_float", lambda L, i: L.isin(i, i[0], out=L.empty(0)), I),
    ("bool", lambda L, b: L.isin(b, b), B),
    ("bool_number", lambda L, i: L.isin(i, True), I),
    ("complex", lambda L, i: L.isin(i, 1j), I),
    ("numbers", lambda L, i: L.isin(1, 2), I),
    ("unknown_keyword", lambda L, i: L.isin(i, i, unique=True), I),
)


@pytest.mark.parametrize("fn,arrays", ISIN)
def test_isin(fn, arrays):
    check(fn, *arrays)


# ---- cov and corrcoef --------------------------------------------------------------------
FW = np.array([1, 2, 0, 3], np.int64)
AW = np.array([0.5, 1.0, 2.0, 0.25], np.float32)
COV = _cases(
    ("cov", lambda L, a: L.cov(a), F),
    ("cov_float64", lambda L, a: L.cov(a.t()), F64),
    ("cov_1d", lambda L, a: L.cov(a[0]), F),
    ("cov_int", lambda L, i: L.cov(i), I),
    ("cov_correction0", lambda L, a: L.cov(a, correction=0), F),
    ("cov_correction_big", lambda L, a: L.cov(a, correction=4), F),
    ("cov_0d", lambda L, s: L.cov(s), S),
    ("cov_empty", lambda L, a: L.cov(a.t()), E),
    ("cov_fweights", lambda L, a, w: L.cov(a, fweights=w), F, FW),
    ("cov_aweights", lambda L, a, w: L.cov(a, aweights=w), F, AW),
    ("cov_both", lambda L, a, f, w: L.cov(a, correction=2, fweights=f, aweights=w), F, FW, AW),
    ("cov_both_correction0", lambda L, a, f, w: L.cov(a, correction=0, fweights=f, aweights=w),
     F, FW, AW),
    ("cov_aweights_float64", lambda L, a, w: L.cov(a, aweights=w.double()), F, AW),
    ("cov_stepped", lambda L, a: L.cov(a[:, ::2]), F3.reshape(6, 4)),
    ("cov_method", lambda L, a, f: a.cov(fweights=f), F, FW),
    ("cov_complex", lambda L, a, b: L.cov(L.view_as_complex(L.stack([a, b], -1))), F, P),
    ("corrcoef", lambda L, a: L.corrcoef(a), F),
    ("corrcoef_int", lambda L, i: L.corrcoef(i), I),
    ("corrcoef_1d", lambda L, a: L.corrcoef(a[1]), F),
    ("corrcoef_constant_row", lambda L, a: L.corrcoef(L.cat([a, a[:1] * 0 + 2])), F),
    ("corrcoef_transposed", lambda L, a: L.corrcoef(a.t()), F64),
    ("corrcoef_method", lambda L, a: a.corrcoef(), F),
    ("corrcoef_complex",
     lambda L, a, b: L.corrcoef(L.view_as_complex(L.stack([a, b], -1))), F, P),
    # errors
    ("cov_3d", lambda L, a: L.cov(a), F3),
    ("cov_bool", lambda L, b: L.cov(b), B),
    ("cov_float_correction", lambda L, a: L.cov(a, correction=1.5), F),
    ("cov_correction_positional", lambda L, a: L.cov(a, 1), F),
    ("cov_fweights_float", lambda L, a, w: L.cov(a, fweights=w), F, AW),
    ("cov_fweights_2d", lambda L, a, w: L.cov(a, fweights=w[None]), F, FW),
    ("cov_fweights_numel", lambda L, a, w: L.cov(a, fweights=w[:3]), F, FW),
    ("cov_fweights_negative", lambda L, a, w: L.cov(a, fweights=-w), F, FW),
    ("cov_aweights_int", lambda L, a, w: L.cov(a, aweights=w), F, FW),
    ("cov_aweights_negative", lambda L, a, w: L.cov(a, aweights=-w), F, AW),
    ("cov_weights_zero_sum", lambda L, a, w: L.cov(a, aweights=w * 0), F, AW),
    ("corrcoef_3d", lambda L, a: L.corrcoef(a), F3),
)


@pytest.mark.parametrize("fn,arrays", COV)
def test_cov_corrcoef(fn, arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degrees of freedom <= 0: compared below
        check(fn, *arrays, atol=1e-4, rtol=1e-4)


def test_cov_warns_when_no_degrees_of_freedom_are_left():
    for lib in (torch, nt):
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            lib.cov(lib.from_numpy(F), correction=4)
    check_raises(lambda L, a, w: L.cov(a, fweights=w[:3]), F, FW,
                 match="observations in the input but got 3 != 4")


# ---- cdist -------------------------------------------------------------------------------
X1, X2 = floats(5, 3, seed=11), floats(4, 3, seed=12)
WIDE = floats(30, 3, seed=13)  # more than 25 rows: PyTorch's default takes the matmul route
CDIST = _cases(
    ("p2", lambda L, a, b: L.cdist(a, b), X1, X2),
    ("p1", lambda L, a, b: L.cdist(a, b, p=1), X1, X2),
    ("p0", lambda L, a, b: L.cdist(a, b, 0), X1, X1),
    ("p_half", lambda L, a, b: L.cdist(a, b, 0.5), X1, X2),
    ("p3", lambda L, a, b: L.cdist(a, b, p=3.0), X1, X2),
    ("p_inf", lambda L, a, b: L.cdist(a, b, INF), X1, X2),
    ("mm", lambda L, a, b: L.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), X1, X2),
    ("mm_same_points", lambda L, a: L.cdist(a, a, compute_mode="use_mm_for_euclid_dist"), X1),
    ("no_mm", lambda L, a: L.cdist(a, a, compute_mode="donot_use_mm_for_euclid_dist"), WIDE),
    ("mm_if_necessary", lambda L, a, b: L.cdist(a, b), WIDE, X2),
    ("float64", lambda L, a, b: L.cdist(a.double(), b.double(), 1.5), X1, X2),
    ("batched", lambda L, a, b: L.cdist(a.reshape(2, 3, 4), b.reshape(1, 3, 4)), F3, F),
    ("batch_broadcast", lambda L, a, b: L.cdist(a.reshape(2, 1, 3, 4), b.reshape(3, 4)), F3, F),
    ("batched_mm", lambda L, a, b: L.cdist(a.reshape(2, 3, 4), b,
                                           compute_mode="use_mm_for_euclid_dist"), F3, F),
    ("transposed", lambda L, a, b: L.cdist(a.t(), b.t()), F, F64.astype(np.float32)),
    ("empty_rows", lambda L, e, a: L.cdist(e, a), E, F[:, :3]),
    ("no_columns", lambda L, a: L.cdist(a[:, :0], a[:2, :0], p=INF), X1),
    # errors
    ("1d", lambda L, a: L.cdist(a[0], a[0]), X1),
    ("columns", lambda L, a, b: L.cdist(a, b), X1, F),
    ("int", lambda L, i: L.cdist(i, i), I),
    ("half", lambda L, a: L.cdist(a.half(), a.half()), X1),
    ("dtypes", lambda L, a: L.cdist(a, a.double()), X1),
    ("negative_p", lambda L, a: L.cdist(a, a, p=-1), X1),
    ("batch_mismatch", lambda L, a: L.cdist(a.reshape(2, 3, 4), a.reshape(3, 2, 4)[:2]), F3),
    ("bad_mode", lambda L, a: L.cdist(a, a, compute_mode="fast"), X1),
    ("out", lambda L, a: L.cdist(a, a, out=a), X1),
)


@pytest.mark.parametrize("fn,arrays", CDIST)
def test_cdist(fn, arrays):
    check(fn, *arrays, atol=1e-4, rtol=1e-4)


# ---- gradients -----------------------------------------------------------------------------
def _grad_arrays(seed, *shapes):
    return [np.random.default_rng(seed + k).standard_normal(s) for k, s in enumerate(shapes)]


def _probabilities(seed, shape):
    return np.random.default_rng(seed).random(shape) * 0.9 + 0.05


SPECIAL64 = SPECIAL.astype(np.float64)
GRADS = [pytest.param(fn, arrays, id=name) for name, fn, arrays in (
    ("diff", lambda L, a: L.diff(a, 2, 0), _grad_arrays(0, (5, 3))),
    ("diff_prepend", lambda L, a, b: L.diff(a, prepend=b), _grad_arrays(1, (3, 4), (3, 2))),
    ("median_all", lambda L, a: L.median(a), _grad_arrays(2, (4, 5))),
    ("median_all_ties", lambda L, a: L.median(a), [np.array([[1.0, 2, 2], [2, 0, 5]])]),
    ("median_all_nan", lambda L, a: L.median(a), [np.array([1.0, NAN, 3, NAN])]),
    ("median_dim", lambda L, a: L.median(a, 1).values, _grad_arrays(3, (3, 5))),
    ("median_dim_keepdim", lambda L, a: L.median(a, 0, True).values, _grad_arrays(4, (4, 3))),
    ("nanmedian_all", lambda L, a: L.nanmedian(a), [with_nans(floats(3, 4, seed=5) * 1.0)]),
    ("nanmedian_dim", lambda L, a: L.nanmedian(a, 1).values,
     [with_nans(floats(3, 5, seed=6) * 1.0)]),
    ("nansum", lambda L, a: L.nansum(a, 1), [with_nans(floats(3, 4, seed=7) * 1.0)]),
    ("nansum_all", lambda L, a: L.nansum(a), [with_nans(floats(3, 4, seed=8) * 1.0)]),
    ("nanmean", lambda L, a: L.nanmean(a, 0, keepdim=True),
     [with_nans(floats(4, 3, seed=9) * 1.0)]),
    ("cummax", lambda L, a: L.cummax(a, 1).values, _grad_arrays(10, (3, 6))),
    ("cummin_ties", lambda L, a: L.cummin(a, 0).values, [ints(6, 3, seed=11, lo=0, hi=3) * 1.0]),
    ("logaddexp", lambda L, a, b: L.logaddexp(a, b), _grad_arrays(12, (3, 4), (4,))),
    ("logaddexp_ties", lambda L, a: L.logaddexp(a, a * 1), _grad_arrays(13, (3,))),
    ("logaddexp2", lambda L, a, b: L.logaddexp2(a, b), _grad_arrays(14, (3, 4), (3, 1))),
    ("hypot", lambda L, a, b: L.hypot(a, b), _grad_arrays(15, (3, 4), (3, 4))),
    ("hypot_float32", lambda L, a, b: L.hypot(a.float(), b.float()).double(),
     _grad_arrays(16, (2, 3), (3,))),
    # x = 0 (with y > 0, y = 0, y < 0): PyTorch's d/dx is log(y), except 0 where y <= 0
    ("xlogy", lambda L, a, b: L.xlogy(a, b),
     [np.array([[0.0, 0.0, 2.0, -1.5], [3.0, 0.0, 1.0, 0.0]]),
      np.array([[3.0, 0.5, 2.0, 4.0], [1.5, -1.0, 7.0, 0.0]])]),
    ("xlogy_number", lambda L, a: L.xlogy(a, 2.5), _grad_arrays(17, (3, 2))),
    ("xlogy_number_self", lambda L, b: L.xlogy(1.5, b.abs()), _grad_arrays(18, (4,))),
    ("float_power", lambda L, a, b: L.float_power(a.abs(), b), _grad_arrays(19, (3, 4), (4,))),
    ("float_power_number", lambda L, a: L.float_power(a.float(), 3), _grad_arrays(20, (3, 2))),
    ("sgn", lambda L, a: L.sgn(a) * a, _grad_arrays(21, (3, 4))),
    ("logit", lambda L, p: L.logit(p), [_probabilities(22, (3, 4))]),
    ("logit_eps", lambda L, p: L.logit(p, 0.25), [_probabilities(23, (4, 5))]),
    ("nan_to_num", lambda L, a: L.nan_to_num(a, 1.0, 2.0, 3.0), [SPECIAL64]),
    ("cov", lambda L, a: L.cov(a), _grad_arrays(24, (3, 5))),
    ("cov_weights", lambda L, a, w: L.cov(a, aweights=w.abs().detach()),
     _grad_arrays(25, (2, 4), (4,))),
    ("corrcoef", lambda L, a: L.corrcoef(a), _grad_arrays(26, (3, 6))),
    ("cdist", lambda L, a, b: L.cdist(a, b), _grad_arrays(27, (4, 3), (5, 3))),
    ("cdist_p1", lambda L, a, b: L.cdist(a, b, 1), _grad_arrays(28, (4, 3), (2, 3))),
    ("cdist_p3", lambda L, a, b: L.cdist(a, b, 3), _grad_arrays(29, (2, 4, 3), (5, 3))),
    ("cdist_mm", lambda L, a, b: L.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
     _grad_arrays(30, (2, 4, 3), (2, 5, 3))),
    ("cdist_mm_zero_distance", lambda L, a: L.cdist(a, a, compute_mode="use_mm_for_euclid_dist"),
     _grad_arrays(31, (4, 3))),
    ("cdist_zero_distance", lambda L, a: L.cdist(a, a), _grad_arrays(32, (4, 3))),
)]


@pytest.mark.parametrize("layout", ["contiguous", "sliced"])
@pytest.mark.parametrize("fn,arrays", GRADS)
def test_gradients(fn, arrays, layout):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_grads_match_torch(torch, fn, arrays, layout=layout, atol=1e-6, rtol=1e-5,
                                 check_name=False)


def test_heaviside_has_no_gradient():
    for lib in (torch, nt):
        x = lib.tensor([0.0, 1.0, -2.0], requires_grad=True)
        y = lib.heaviside(x, lib.tensor([0.5]))
        with pytest.raises(RuntimeError):
            y.sum().backward()


def test_methods_exist_where_torch_has_them():
    names = ["diff", "median", "nanmedian", "nansum", "nanmean", "cummax", "cummin",
             "logaddexp", "logaddexp2", "hypot", "hypot_", "xlogy", "xlogy_", "float_power",
             "float_power_", "sgn", "sgn_", "signbit", "heaviside", "heaviside_", "logit",
             "logit_", "nan_to_num", "nan_to_num_", "isin", "cov", "corrcoef", "cdist"]
    for name in names:
        assert hasattr(nt.Tensor, name) == hasattr(torch.Tensor, name), name
    for name in names + ["logit_", "nan_to_num_", "xlogy_"]:
        assert hasattr(nt, name) == hasattr(torch, name), name


def test_nan_to_num_replacements_that_round_to_inf_stay_inf():
    # each mask is taken from the input: a replacement that overflows the dtype is not
    # then replaced again as an infinity (and no NumPy overflow warning reaches the user)
    import warnings
    for dtype, big in (("float16", 1e5), ("float32", 1e40)):
        def fn(lib, x):
            return lib.nan_to_num(x.to(getattr(lib, dtype)), nan=big, posinf=2.0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            check(fn, np.array([np.nan, 1.0, np.inf, -np.inf], np.float32))
