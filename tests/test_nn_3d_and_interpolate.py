"""conv3d, the 3-D poolings (max, avg, adaptive avg/max) and interpolate's 'nearest-exact',
'linear' and 'trilinear' modes, functional and as modules, against torch: values, output
shapes, dtypes, grad_fn names, gradients of input/weight/bias (float32 and float64,
contiguous and non-contiguous inputs), indices, reprs, signatures and PyTorch's errors."""
import inspect
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, leaves, raises_like, torch

DTYPES = (np.float32, np.float64)
LAYOUTS = ("contiguous", "transposed")


def _normal(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


def _run(lib, fn, arrays, dtype, layout):
    xs = leaves(lib, arrays, layout, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(lib, *xs)
    indices = None
    if isinstance(out, tuple):
        out, indices = out
    g = _normal(tuple(out.shape), 7).astype(dtype)
    if out.requires_grad:
        out.backward(lib.tensor(g))
    node = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    return out, indices, node, [arr(x.grad) if x.grad is not None else None for x in xs]


def check(fn, arrays, dtype=np.float64, layout="contiguous"):
    """fn(lib, *tensors) on both libraries: same shape, dtype, values, indices, grad_fn
    name, contiguity and gradients of every input."""
    got, got_idx, got_node, got_grads = _run(nt, fn, arrays, dtype, layout)
    want, want_idx, want_node, want_grads = _run(torch, fn, arrays, dtype, layout)
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype) == str(want.dtype)
    assert got_node == want_node
    assert got.is_contiguous() == want.is_contiguous()
    tol = 2e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(arr(got), arr(want), atol=tol, rtol=tol, err_msg="values")
    if want_idx is not None:
        assert str(got_idx.dtype) == str(want_idx.dtype)
        np.testing.assert_array_equal(arr(got_idx), arr(want_idx), err_msg="indices")
    for i, (g, w) in enumerate(zip(got_grads, want_grads)):
        assert (g is None) == (w is None), f"gradient of input {i}"
        if w is not None:
            np.testing.assert_allclose(g, w, atol=tol * 10, rtol=tol * 10,
                                       err_msg=f"gradient of input {i}")


# ---- conv3d -----------------------------------------------------------------------------------
CONV3D = {  # name: (input shape, weight shape, bias, keywords)
    "plain": ((2, 3, 5, 6, 7), (4, 3, 3, 2, 3), True, {}),
    "no_bias_1x1x1": ((2, 3, 4, 5, 6), (5, 3, 1, 1, 1), False, {}),
    "stride": ((2, 2, 7, 8, 9), (3, 2, 3, 3, 2), True, dict(stride=(2, 1, 3))),
    "padding": ((1, 2, 4, 5, 6), (3, 2, 3, 3, 3), True, dict(padding=(1, 2, 0))),
    "dilation": ((2, 2, 7, 7, 8), (3, 2, 2, 3, 2), True, dict(dilation=(3, 1, 2), padding=1)),
    "groups": ((2, 6, 4, 5, 5), (4, 3, 2, 2, 3), True, dict(groups=2, stride=2, padding=1)),
    "depthwise": ((1, 4, 5, 5, 5), (8, 1, 3, 3, 3), True, dict(groups=4, padding=1)),
    "same_odd": ((2, 3, 5, 6, 4), (2, 3, 3, 3, 3), True, dict(padding="same")),
    "same_even": ((2, 3, 5, 6, 4), (2, 3, 2, 4, 2), True, dict(padding="same",
                                                              dilation=(1, 1, 3))),
    "valid": ((2, 3, 5, 6, 4), (2, 3, 2, 4, 2), False, dict(padding="valid")),
    "unbatched": ((3, 4, 5, 6), (2, 3, 2, 2, 2), True, dict(stride=2)),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(CONV3D))
def test_conv3d_matches_torch(name, dtype, layout):
    x_shape, w_shape, bias, kwargs = CONV3D[name]
    arrays = [_normal(x_shape, 0), _normal(w_shape, 1)] + ([_normal(w_shape[:1], 2)]
                                                          if bias else [])
    check(lambda lib, x, w, *b: lib.nn.functional.conv3d(x, w, *b, **kwargs), arrays, dtype,
          layout)


def test_conv3d_top_level_and_integer_input():
    x, w, b = _normal((1, 2, 3, 4, 5), 0), _normal((3, 2, 2, 2, 2), 1), _normal((3,), 2)
    check(lambda lib, *t: lib.conv3d(*t, stride=1, padding=1), [x, w, b])
    xi = np.random.default_rng(0).integers(-5, 5, (1, 2, 3, 4, 5))
    wi = np.random.default_rng(1).integers(-5, 5, (3, 2, 2, 2, 2))
    got = nt.nn.functional.conv3d(nt.tensor(xi), nt.tensor(wi), padding=1)
    want = torch.nn.functional.conv3d(torch.tensor(xi), torch.tensor(wi), padding=1)
    assert got.dtype == nt.int64
    np.testing.assert_array_equal(arr(got), arr(want))


def test_conv3d_double_backward():
    x = nt.tensor(_normal((1, 2, 3, 4, 4), 0), requires_grad=True)
    w = nt.tensor(_normal((2, 2, 2, 2, 2), 1), requires_grad=True)
    assert nt.autograd.gradgradcheck(lambda a, b: nt.nn.functional.conv3d(a, b, padding=1),
                                     (x, w), eps=1e-6, atol=1e-5, rtol=1e-3)


# ---- max_pool3d / avg_pool3d --------------------------------------------------------------------
MAX_POOL3D = {
    "k2": dict(kernel_size=2),
    "k3_s2_p1": dict(kernel_size=3, stride=2, padding=1),
    "mixed": dict(kernel_size=(2, 3, 1), stride=(1, 2, 1), padding=(1, 1, 0)),
    "dilation": dict(kernel_size=(2, 2, 3), stride=1, dilation=(2, 1, 2), padding=(1, 0, 1)),
    "ceil": dict(kernel_size=3, stride=2, ceil_mode=True),
    "ceil_pad": dict(kernel_size=(3, 2, 3), stride=(2, 2, 3), padding=1, ceil_mode=True),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(MAX_POOL3D))
def test_max_pool3d_matches_torch(name, dtype, layout):
    kwargs = MAX_POOL3D[name]
    check(lambda lib, x: lib.nn.functional.max_pool3d(x, return_indices=True, **kwargs),
          [_normal((2, 3, 6, 7, 8), 0)], dtype, layout)


def test_max_pool3d_unbatched_ties_and_integers():
    check(lambda lib, x: lib.nn.functional.max_pool3d(x, 2, 1, 1, return_indices=True),
          [_normal((3, 4, 5, 6), 0)])
    # ties: the first maximum in (d, h, w) order gets the index and the gradient
    ties = np.round(_normal((1, 2, 5, 5, 5), 1))
    check(lambda lib, x: lib.nn.functional.max_pool3d(x, 3, 1, 1, return_indices=True), [ties])
    check(lambda lib, x: lib.max_pool3d(x, 2, (), 0, 1, True), [_normal((1, 2, 5, 5, 5), 2)])
    a = np.random.default_rng(0).integers(-9, 9, (2, 2, 5, 6, 7))
    got = nt.nn.functional.max_pool3d(nt.tensor(a), 3, 2, 1, return_indices=True)
    want = torch.nn.functional.max_pool3d(torch.tensor(a), 3, 2, 1, return_indices=True)
    for g, w in zip(got, want):
        assert str(g.dtype) == str(w.dtype)
        np.testing.assert_array_equal(arr(g), arr(w))


AVG_POOL3D = {
    "k2": dict(kernel_size=2),
    "k3_s2_p1": dict(kernel_size=3, stride=2, padding=1),
    "exclude_pad": dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    "ceil": dict(kernel_size=(3, 2, 3), stride=2, padding=(1, 0, 1), ceil_mode=True),
    "ceil_exclude": dict(kernel_size=3, stride=(2, 3, 2), padding=1, ceil_mode=True,
                         count_include_pad=False),
    "divisor": dict(kernel_size=(2, 3, 2), stride=1, padding=1, divisor_override=5),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(AVG_POOL3D))
def test_avg_pool3d_matches_torch(name, dtype, layout):
    kwargs = AVG_POOL3D[name]
    check(lambda lib, x: lib.nn.functional.avg_pool3d(x, **kwargs), [_normal((2, 3, 6, 7, 8), 0)],
          dtype, layout)


@pytest.mark.parametrize("name", sorted(AVG_POOL3D))
def test_avg_pool3d_int64_truncates_as_torch(name):
    kwargs = AVG_POOL3D[name]
    a = np.random.default_rng(0).integers(-50, 50, (2, 2, 6, 7, 8))
    got = nt.nn.functional.avg_pool3d(nt.tensor(a), **kwargs)
    want = torch.nn.functional.avg_pool3d(torch.tensor(a), **kwargs)
    assert got.dtype == nt.int64
    np.testing.assert_array_equal(arr(got), arr(want))


def test_avg_pool3d_unbatched():
    check(lambda lib, x: lib.nn.functional.avg_pool3d(x, 3, 2, 1, True, False),
          [_normal((3, 5, 6, 7), 0)], np.float32)


# ---- adaptive poolings ------------------------------------------------------------------------
ADAPTIVE = {"int": 3, "mixed": (2, 4, 3), "none": (None, 3, None), "grow": (8, 3, 9),
            "ones": (1, 1, 1), "ragged": (4, 5, 2)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(ADAPTIVE))
def test_adaptive_pools_3d_match_torch(name, dtype):
    size = ADAPTIVE[name]
    x = [_normal((2, 3, 5, 7, 6), 0)]
    check(lambda lib, x: lib.nn.functional.adaptive_avg_pool3d(x, size), x, dtype)
    check(lambda lib, x: lib.nn.functional.adaptive_max_pool3d(x, size, True), x, dtype,
          "transposed")


def test_adaptive_pools_3d_unbatched_and_empty_output():
    x = [_normal((3, 5, 7, 6), 0)]
    check(lambda lib, x: lib.nn.functional.adaptive_avg_pool3d(x, (2, 3, 4)), x, np.float32)
    check(lambda lib, x: lib.nn.functional.adaptive_max_pool3d_with_indices(x, (2, 3, 4)), x)
    for fn in ("adaptive_avg_pool3d", "adaptive_max_pool3d"):
        got = getattr(nt.nn.functional, fn)(nt.ones(2, 3, 4, 4, 4), (0, 2, 2))
        want = getattr(torch.nn.functional, fn)(torch.ones(2, 3, 4, 4, 4), (0, 2, 2))
        assert tuple(got.shape) == tuple(want.shape)


def test_empty_batch():
    x = np.zeros((0, 2, 4, 5, 6))
    for fn in (lambda F, t: F.max_pool3d(t, 2, return_indices=True)[1],
               lambda F, t: F.avg_pool3d(t, 2), lambda F, t: F.adaptive_avg_pool3d(t, 2),
               lambda F, t: F.adaptive_max_pool3d(t, 2),
               lambda F, t: F.conv3d(t, t.new_ones(3, 2, 2, 2, 2))):
        got = fn(nt.nn.functional, nt.tensor(x))
        want = fn(torch.nn.functional, torch.tensor(x))
        assert tuple(got.shape) == tuple(want.shape)


# ---- interpolate --------------------------------------------------------------------------------
INTERPOLATE = {  # keyword sets, each tried on 1-D, 2-D and 3-D spatial inputs
    "size_up": dict(size=9),
    "size_mixed": dict(size=(3, 8, 5)),
    "size_one": dict(size=1),
    "scale_up": dict(scale_factor=1.7),
    "scale_down": dict(scale_factor=0.6),
    "scale_per_dim": dict(scale_factor=(2.3, 0.6, 1.5)),
    "recompute": dict(scale_factor=1.3, recompute_scale_factor=True),
}
SHAPES = {1: (2, 3, 7), 2: (2, 3, 5, 6), 3: (2, 2, 4, 5, 6)}


def _per_dim(kwargs, spatial):
    return {k: v[:spatial] if isinstance(v, tuple) else v for k, v in kwargs.items()}


@pytest.mark.parametrize("spatial", (1, 2, 3))
@pytest.mark.parametrize("name", sorted(INTERPOLATE))
def test_nearest_exact_matches_torch(name, spatial):
    kwargs = _per_dim(INTERPOLATE[name], spatial)
    for dtype in DTYPES:
        check(lambda lib, x: lib.nn.functional.interpolate(x, mode="nearest-exact", **kwargs),
              [_normal(SHAPES[spatial], 0)], dtype, "transposed")


@pytest.mark.parametrize("align_corners", (False, True))
@pytest.mark.parametrize("name", sorted(INTERPOLATE))
def test_linear_and_trilinear_match_torch(name, align_corners):
    for spatial, mode in ((1, "linear"), (3, "trilinear")):
        kwargs = _per_dim(INTERPOLATE[name], spatial)
        for dtype in DTYPES:
            check(lambda lib, x: lib.nn.functional.interpolate(
                x, mode=mode, align_corners=align_corners, **kwargs),
                [_normal(SHAPES[spatial], 0)], dtype, "transposed")


def test_nearest_5d_and_uint8():
    check(lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=(1.5, 0.7, 2)),
          [_normal(SHAPES[3], 0)])
    a = np.random.default_rng(0).integers(0, 255, (1, 2, 5, 6)).astype(np.uint8)
    for mode in ("nearest", "nearest-exact"):
        got = nt.nn.functional.interpolate(nt.tensor(a), scale_factor=1.7, mode=mode)
        want = torch.nn.functional.interpolate(torch.tensor(a), scale_factor=1.7, mode=mode)
        assert got.dtype == nt.uint8
        np.testing.assert_array_equal(arr(got), arr(want))


# ---- modules ------------------------------------------------------------------------------------
MODULES = [
    "Conv3d(4, 6, 3)",
    "Conv3d(4, 6, (1, 2, 3), stride=2, padding=1, dilation=(1, 1, 2), groups=2, bias=False)",
    "Conv3d(4, 4, 3, padding='same', padding_mode='circular')",
    "Conv3d(4, 4, 2, padding='same', padding_mode='replicate')",
    "Conv3d(4, 2, 3, padding=(1, 0, 2), padding_mode='reflect')",
    "MaxPool3d(2)",
    "MaxPool3d((2, 3, 2), stride=1, padding=1, dilation=1, return_indices=True, ceil_mode=True)",
    "AvgPool3d(2)",
    "AvgPool3d(3, 2, 1, True, False, 4)",
    "AdaptiveAvgPool3d((2, None, 3))",
    "AdaptiveMaxPool3d(2, return_indices=True)",
    "Upsample(scale_factor=2, mode='trilinear', align_corners=True)",
    "Upsample(size=(5, 6, 7), mode='nearest-exact')",
    "Upsample(scale_factor=(1.5, 2, 0.5), mode='trilinear')",
]


@pytest.mark.parametrize("spec", MODULES)
def test_modules_match_torch(spec):
    m_t, m_n = eval("torch.nn." + spec), eval("nt.nn." + spec)
    assert repr(m_n) == repr(m_t)
    state = m_t.state_dict()
    if state:
        m_n.load_state_dict({k: nt.tensor(v.numpy()) for k, v in state.items()})
    check(lambda lib, x: (m_n if lib is nt else m_t)(x), [_normal((2, 4, 6, 7, 8), 0)],
          np.float32)
    for (name, p_n), (_, p_t) in zip(m_n.named_parameters(), m_t.named_parameters()):
        np.testing.assert_allclose(arr(p_n.grad), arr(p_t.grad), atol=2e-4, rtol=2e-4,
                                   err_msg=name)


def test_lazy_conv3d():
    m_n, m_t = nt.nn.LazyConv3d(5, 2, padding=1), torch.nn.LazyConv3d(5, 2, padding=1)
    assert repr(m_n) == repr(m_t)
    y = m_n(nt.ones(2, 3, 4, 4, 4))
    m_t(torch.ones(2, 3, 4, 4, 4))
    assert type(m_n) is nt.nn.Conv3d and repr(m_n) == repr(m_t)
    assert tuple(m_n.weight.shape) == (5, 3, 2, 2, 2) and tuple(y.shape) == (2, 5, 5, 5, 5)


def test_conv3d_module_init_matches_torch_scale():
    m = nt.nn.Conv3d(4, 8, 3)
    bound = 1 / np.sqrt(4 * 27)
    assert np.abs(arr(m.weight)).max() <= bound and np.abs(arr(m.bias)).max() <= bound


# ---- signatures ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["adaptive_avg_pool3d", "max_pool3d_with_indices",
                                  "adaptive_max_pool3d_with_indices", "interpolate"])
def test_functional_signatures(name):
    want = inspect.signature(getattr(torch.nn.functional, name)).parameters
    got = inspect.signature(getattr(nt.nn.functional, name)).parameters
    assert list(got) == list(want)
    assert [p.default for p in got.values()] == [p.default for p in want.values()]


@pytest.mark.parametrize("name", ["Conv3d", "LazyConv3d", "MaxPool3d", "AvgPool3d",
                                  "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "Upsample"])
def test_module_signatures(name):
    want = inspect.signature(getattr(torch.nn, name)).parameters
    got = inspect.signature(getattr(nt.nn, name)).parameters
    assert list(got) == list(want)
    assert [p.default for p in got.values()] == [p.default for p in want.values()]


def test_functional_names_follow_torch_docs():
    # conv3d, max_pool3d, avg_pool3d, adaptive_max_pool3d are builtins or dispatchers in
    # torch: their documented parameter names
    params = lambda f: list(inspect.signature(f).parameters)  # noqa: E731
    F = nt.nn.functional
    assert params(F.conv3d) == params(nt.conv3d) == ["input", "weight", "bias", "stride",
                                                     "padding", "dilation", "groups"]
    assert params(F.max_pool3d) == ["input", "kernel_size", "stride", "padding", "dilation",
                                    "ceil_mode", "return_indices"]
    assert params(nt.max_pool3d) == ["input", "kernel_size", "stride", "padding", "dilation",
                                     "ceil_mode"]
    assert params(F.avg_pool3d) == ["input", "kernel_size", "stride", "padding", "ceil_mode",
                                    "count_include_pad", "divisor_override"]
    assert params(F.adaptive_max_pool3d) == ["input", "output_size", "return_indices"]


# ---- errors -------------------------------------------------------------------------------------
_X = _normal((2, 3, 5, 6, 7), 0).astype(np.float32)
ERRORS = {
    "conv_bool": "F.conv3d(x.bool(), lib.ones(2, 3, 1, 1, 1).bool())",
    "conv_4d_weight_4d_input": "F.conv3d(x[0, 0], lib.ones(2, 3, 1, 1, 1))",
    "conv_big_kernel": "F.conv3d(x, lib.ones(2, 3, 6, 1, 1))",
    "conv_stride_len": "F.conv3d(x, lib.ones(2, 3, 1, 1, 1), stride=(1, 2))",
    "conv_same_strided": "F.conv3d(x, lib.ones(2, 3, 1, 1, 1), stride=2, padding='same')",
    "conv_bad_padding": "F.conv3d(x, lib.ones(2, 3, 1, 1, 1), padding='foo')",
    "conv_channels": "F.conv3d(x, lib.ones(2, 2, 1, 1, 1))",
    "conv_groups0": "F.conv3d(x, lib.ones(2, 3, 1, 1, 1), groups=0)",
    "conv_dtype": "F.conv3d(x, lib.ones(2, 3, 1, 1, 1, dtype=lib.float64))",
    "mp_kernel_len": "F.max_pool3d(x, (2, 2))",
    "mp_stride_len": "F.max_pool3d(x, 2, (2, 2))",
    "mp_padding_len": "F.max_pool3d(x, 2, 2, (1, 1))",
    "mp_dilation_len": "F.max_pool3d(x, 2, 2, 0, (1, 1))",
    "mp_kernel0": "F.max_pool3d(x, 0)",
    "mp_kernel_neg": "F.max_pool3d(x, -1, 1)",
    "mp_stride_neg": "F.max_pool3d(x, 2, -1)",
    "mp_dilation0": "F.max_pool3d(x, 2, 1, 0, 0)",
    "mp_pad_big": "F.max_pool3d(x, 2, 1, 2)",
    "mp_pad_half": "F.max_pool3d(x, 2, 1, 2, dilation=3)",
    "mp_pad_neg": "F.max_pool3d(x, 2, 1, -1)",
    "mp_output_small": "F.max_pool3d(x, (6, 1, 1))",
    "mp_3d": "F.max_pool3d(x[0, 0], 2)",
    "mp_empty": "F.max_pool3d(x[:, :, :0], 2)",
    "mp_bool": "F.max_pool3d(x.bool(), 2)",
    "mp_float_kernel": "F.max_pool3d(x, 2.0)",
    "mp_not_tensor": "F.max_pool3d('x', 2)",
    "ap_kernel_len": "F.avg_pool3d(x, (2, 2))",
    "ap_stride_len": "F.avg_pool3d(x, 2, (2, 2))",
    "ap_padding_len": "F.avg_pool3d(x, 2, 2, (1, 1))",
    "ap_kernel0": "F.avg_pool3d(x, 0)",
    "ap_pad_big": "F.avg_pool3d(x, 2, 1, 2)",
    "ap_input_small": "F.avg_pool3d(x, (6, 1, 1))",
    "ap_stride_neg": "F.avg_pool3d(x, 2, -1)",
    "ap_3d": "F.avg_pool3d(x[0, 0], 2)",
    "ap_empty": "F.avg_pool3d(x[:, :, :0], 2)",
    "ap_int32": "F.avg_pool3d(x.int(), 2)",
    "ap_divisor0": "F.avg_pool3d(x, 2, divisor_override=0)",
    "aap_3d": "F.adaptive_avg_pool3d(x[0, 0], 2)",
    "aap_2d": "F.adaptive_avg_pool3d(x[0, 0, 0], 2)",
    "aap_size_len": "F.adaptive_avg_pool3d(x, (2, 2))",
    "aap_negative": "F.adaptive_avg_pool3d(x, (2, 2, -1))",
    "aap_empty": "F.adaptive_avg_pool3d(x[:, :, :0], 2)",
    "aap_no_channels": "F.adaptive_avg_pool3d(x[:, :0], 2)",
    "amp_no_channels": "F.adaptive_max_pool3d(x[:, :0], 2)",
    "aap_long": "F.adaptive_avg_pool3d(x.long(), 2)",
    "aap_input_dims": "F.adaptive_avg_pool3d(x[0, 0], (2, 2, 2))",
    "amp_3d": "F.adaptive_max_pool3d(x[0, 0], 2)",
    "amp_size_len": "F.adaptive_max_pool3d(x, (2, 2))",
    "amp_negative": "F.adaptive_max_pool3d(x, (2, 2, -1))",
    "amp_empty": "F.adaptive_max_pool3d(x[:, :, :0], 2)",
    "amp_long": "F.adaptive_max_pool3d(x.long(), 2)",
    "interp_trilinear_4d": "F.interpolate(x[0], scale_factor=2, mode='trilinear')",
    "interp_linear_5d": "F.interpolate(x, scale_factor=2, mode='linear')",
    "interp_exact_align": "F.interpolate(x, scale_factor=2, mode='nearest-exact', "
                          "align_corners=True)",
    "interp_trilinear_antialias": "F.interpolate(x, scale_factor=2, mode='trilinear', "
                                  "antialias=True)",
    "interp_trilinear_zero": "F.interpolate(x, size=(0, 2, 2), mode='trilinear')",
    "interp_exact_zero": "F.interpolate(x, size=(2, 0, 2), mode='nearest-exact')",
    "interp_exact_long": "F.interpolate(x.long(), scale_factor=2, mode='nearest-exact')",
    "interp_exact_long_2d": "F.interpolate(x[0].long(), scale_factor=2, mode='nearest-exact')",
    "interp_trilinear_long": "F.interpolate(x.long(), scale_factor=2, mode='trilinear')",
    "interp_linear_long": "F.interpolate(x[0, 0].long(), scale_factor=2, mode='linear')",
    "interp_size_len": "F.interpolate(x, size=(2, 2), mode='trilinear')",
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    def call(lib):
        return lambda: eval(ERRORS[name], {"lib": lib, "F": lib.nn.functional,
                                           "x": lib.tensor(_X)})
    raises_like(call(nt), call(torch))


def test_unsupported_antialias_is_named():
    with pytest.raises(NotImplementedError, match="antialias"):
        nt.nn.functional.interpolate(nt.ones(1, 1, 4, 4), scale_factor=0.5, mode="bilinear",
                                     antialias=True)


def test_same_padding_warns_like_torch():
    with pytest.warns(UserWarning, match="even kernel lengths"):
        nt.nn.functional.conv3d(nt.ones(1, 1, 3, 3, 3), nt.ones(1, 1, 2, 2, 2), padding="same")
