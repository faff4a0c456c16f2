"""Padding layers, pixel/channel shuffle, channel-wise dropout and the Upsampling*2d layers
against PyTorch: outputs, gradients, reprs, errors and warnings; gradcheck on float64;
the dropout masks' statistics and reproducibility."""
import inspect
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, compare, gradcheck, raises_like, randn, torch

NF = nt.nn.functional
TF = torch.nn.functional

_LAYOUTS = ("contiguous", "transposed", "sliced")


def _both(fn):
    """fn(lib) for numtensor and torch."""
    return fn(nt), fn(torch)


# ---- padding layers --------------------------------------------------------------------------
PADS = {
    "zero1d": ("ZeroPad1d", (2,), (2, 3, 5)),
    "zero1d_sides": ("ZeroPad1d", ((1, 0),), (3, 4)),
    "zero2d": ("ZeroPad2d", (1,), (2, 3, 4, 5)),
    "zero2d_crop": ("ZeroPad2d", ((1, 0, 2, -1),), (2, 3, 4, 5)),
    "zero3d": ("ZeroPad3d", ((1, 1, 0, 2, 1, 0),), (1, 2, 3, 3, 3)),
    "const1d": ("ConstantPad1d", ((3, 1), 3.5), (2, 3)),
    "const2d": ("ConstantPad2d", (2, -1.0), (3, 4, 4)),
    "const3d": ("ConstantPad3d", (1, 0.5), (2, 2, 2, 3)),
    "reflect1d": ("ReflectionPad1d", (2,), (2, 3, 5)),
    "reflect1d_sides": ("ReflectionPad1d", ((3, 1),), (3, 5)),
    "reflect2d": ("ReflectionPad2d", ((1, 1, 2, 0),), (1, 2, 3, 4)),
    "reflect2d_unbatched": ("ReflectionPad2d", (1,), (2, 3, 3)),
    "reflect3d": ("ReflectionPad3d", (1,), (1, 2, 2, 3, 3)),
    "reflect3d_sides": ("ReflectionPad3d", ((1, 0, 1, 2, 0, 1),), (2, 3, 3, 4)),
    "replicate1d": ("ReplicationPad1d", ((2, 3),), (2, 2, 4)),
    "replicate2d": ("ReplicationPad2d", (2,), (1, 2, 3, 3)),
    "replicate3d": ("ReplicationPad3d", ((1, 2, 0, 1, 2, 0),), (2, 2, 3, 2)),
    "circular1d": ("CircularPad1d", (2,), (1, 2, 4)),
    "circular1d_crop": ("CircularPad1d", ((-1, 2),), (2, 4)),
    "circular2d": ("CircularPad2d", ((1, 1, 2, 0),), (1, 1, 3, 3)),
    "circular2d_unbatched": ("CircularPad2d", (1,), (2, 3, 3)),
    "circular3d": ("CircularPad3d", (1,), (1, 1, 2, 2, 2)),
    "circular3d_sides": ("CircularPad3d", ((1, 2, 0, 1, 2, 2),), (2, 3, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(PADS))
def test_padding_layer_matches_torch(name):
    cls, args, shape = PADS[name]
    m_n, m_t = _both(lambda lib: getattr(lib.nn, cls)(*args))
    assert repr(m_n) == repr(m_t)
    assert m_n.padding == m_t.padding and type(m_n.padding) is tuple
    assert getattr(m_n, "value", None) == getattr(m_t, "value", None)
    layout = _LAYOUTS[sorted(PADS).index(name) % 3]  # each layout on a third of the cases
    for dtype in (np.float32, np.float64):
        compare(lambda lib, x: getattr(lib.nn, cls)(*args)(x), [randn(*shape, seed=1)],
                layout=layout, dtype=dtype)


def test_padding_layers_take_padding_as_pytorch_does():
    # an int repeats, an iterable is kept as it is (F.pad judges its length)
    for cls, n in (("ZeroPad1d", 2), ("ReflectionPad2d", 4), ("CircularPad3d", 6),
                   ("ReplicationPad3d", 6)):
        assert getattr(nt.nn, cls)(3).padding == (3,) * n
    assert nt.nn.ZeroPad1d([1, 2]).padding == (1, 2)
    for lib in (nt, torch):
        m = lib.nn.ZeroPad1d((1, 2, 3, 4))
        assert repr(m) == "ZeroPad1d((1, 2, 3, 4))"
    x = randn(2, 3, 4)
    out_n, out_t = _both(lambda lib: lib.nn.ZeroPad1d((1, 2, 3, 4))(lib.tensor(x)))
    np.testing.assert_array_equal(arr(out_n), arr(out_t))
    assert repr(nt.nn.ConstantPad2d(1, 2)) == repr(torch.nn.ConstantPad2d(1, 2))


def test_padding_layer_errors_match_torch():
    cases = [
        ("CircularPad1d", (1,), (4,)), ("CircularPad2d", (1,), (2, 2)),
        ("CircularPad3d", (1,), (2, 2, 2)), ("CircularPad1d", (5,), (1, 2, 4)),
        ("ReflectionPad2d", (1,), (2, 2)), ("ReflectionPad2d", (2,), (1, 2, 2)),
        ("ReflectionPad1d", ((0, 3),), (2, 3)), ("ReplicationPad1d", (2,), (2, 2, 2, 2)),
        ("ZeroPad1d", ((1, 2, 3),), (2, 2, 2)), ("ConstantPad3d", (1, 0.0), (2,)),
    ]
    for cls, args, shape in cases:
        x = randn(*shape)
        raises_like(lambda: getattr(nt.nn, cls)(*args)(nt.tensor(x)),
                    lambda: getattr(torch.nn, cls)(*args)(torch.tensor(x)))
    raises_like(lambda: nt.nn.ConstantPad1d(2), lambda: torch.nn.ConstantPad1d(2))
    raises_like(lambda: nt.nn.ZeroPad2d(1, 0.0), lambda: torch.nn.ZeroPad2d(1, 0.0))
    raises_like(lambda: nt.nn.ReflectionPad1d(padding=1, mode="x"),
                lambda: torch.nn.ReflectionPad1d(padding=1, mode="x"))


def test_pad_sizes_checked_and_negative_circular_padding_as_torch():
    """F.pad (which the layers call): negative circular amounts crop before the wrap; the
    size checks are made on the input's shape, in PyTorch's words; pad holds ints only."""
    for shape, pad in (((1, 2, 5), (-1, 2)), ((1, 2, 5), (3, -2)), ((2, 3, 5), (2, -3, -1, 2)),
                       ((1, 2, 3, 4, 5), (-2, 1, 1, -1, -1, 1)), ((1, 2, 5), (-6, 1))):
        compare(lambda lib, x: lib.nn.functional.pad(x, pad, "circular"),
                [randn(*shape, seed=3)], atol=0, rtol=0)
    cases = [((1, 2, 3, 5), (1, 1, 3, 0), "reflect"), ((2, 3, 5), (1, 1, 3, 0), "reflect"),
             ((1, 2, 2, 3, 5), (0, 0, 0, 0, 2, 0), "reflect"),
             ((1, 2, 5), (-5, 0), "reflect"), ((2, 5), (-3, -3), "replicate"),
             ((1, 2, 3, 5), (-6, 0, -3, 0), "reflect"), ((1, 2, 3, 5), (-5, 0, -3, 0), "replicate"),
             ((2, 2, 3, 5), (-5, 0, -3, 0, -2, 0), "replicate"),
             ((1, 2, 3, 5), (0, 0, -4, 0), "replicate"),
             ((1, 2, 5), (-3, -3), "circular"), ((1, 2, 3, 5), (-3, -3, 0, 0), "circular"),
             ((1, 2, 3, 5), (0, 0, 4, 0), "circular"),
             ((1, 2, 3), (1, 2.0), "constant"), ((1, 2, 3), [1.5, 2], "reflect"),
             ((1, 2, 3), (True, 1), "constant"), ((1, 2, 3), 1, "constant")]
    for shape, pad, mode in cases:
        x = randn(*shape)
        raises_like(lambda: NF.pad(nt.tensor(x), pad, mode),
                    lambda: TF.pad(torch.tensor(x), pad, mode))
    for pad in ((-5, 0, 0, 0), (0, 0, -3, 0)):  # one empty dim is fine
        out_n, out_t = _both(lambda lib: lib.nn.functional.pad(lib.ones(1, 2, 3, 5), pad,
                                                               "reflect"))
        assert tuple(out_n.shape) == tuple(out_t.shape)


def test_padding_gradcheck():
    for cls, args, shape in (("ZeroPad2d", ((1, 0, 2, -1),), (1, 2, 3, 3)),
                             ("ConstantPad1d", (2, 1.5), (2, 3)),
                             ("ReflectionPad2d", ((1, 2, 2, 0),), (1, 3, 4)),
                             ("ReplicationPad3d", (1,), (1, 2, 2, 2)),
                             ("CircularPad1d", ((2, -1),), (1, 2, 3))):
        gradcheck(getattr(nt.nn, cls)(*args), [randn(*shape, seed=4)])


# ---- pixel shuffle / unshuffle, channel shuffle ------------------------------------------------
SHUFFLES = {
    "pixel_shuffle": ("pixel_shuffle", 2, (1, 8, 2, 3)),
    "pixel_shuffle_3": ("pixel_shuffle", 3, (9, 2, 2)),
    "pixel_shuffle_batch_dims": ("pixel_shuffle", 2, (2, 1, 4, 3, 2)),
    "pixel_shuffle_1": ("pixel_shuffle", 1, (2, 3, 2, 2)),
    "pixel_unshuffle": ("pixel_unshuffle", 2, (1, 2, 4, 6)),
    "pixel_unshuffle_3": ("pixel_unshuffle", 3, (2, 3, 6)),
    "pixel_unshuffle_batch_dims": ("pixel_unshuffle", 2, (2, 1, 2, 4, 4)),
    "channel_shuffle": ("channel_shuffle", 3, (2, 6, 3)),
    "channel_shuffle_4d": ("channel_shuffle", 2, (1, 4, 2, 3)),
    "channel_shuffle_5d": ("channel_shuffle", 2, (2, 6, 2, 1, 2)),
    "channel_shuffle_1": ("channel_shuffle", 1, (2, 3, 2)),
    "channel_shuffle_all": ("channel_shuffle", 4, (1, 4, 3)),
}
_SHUFFLE_MODULES = {"pixel_shuffle": "PixelShuffle", "pixel_unshuffle": "PixelUnshuffle",
                    "channel_shuffle": "ChannelShuffle"}


@pytest.mark.parametrize("name", sorted(SHUFFLES))
def test_shuffle_matches_torch(name):
    fname, factor, shape = SHUFFLES[name]
    layout = _LAYOUTS[sorted(SHUFFLES).index(name) % 3]
    x = randn(*shape, seed=2)
    for dtype in (np.float32, np.float64):
        # exact: a rearrangement, no arithmetic
        compare(lambda lib, t: getattr(lib.nn.functional, fname)(t, factor), [x],
                layout=layout, dtype=dtype, atol=0, rtol=0, grad_atol=0, grad_rtol=0)
    compare(lambda lib, t: getattr(lib.nn, _SHUFFLE_MODULES[fname])(factor)(t), [x],
            layout=layout, atol=0, rtol=0, grad_atol=0, grad_rtol=0)
    m_n, m_t = _both(lambda lib: getattr(lib.nn, _SHUFFLE_MODULES[fname])(factor))
    assert repr(m_n) == repr(m_t)
    # integer tensors too, and the result is a new tensor, never a view of the input
    xi = np.arange(np.prod(shape)).reshape(shape)
    inputs = _both(lambda lib: lib.tensor(xi))
    out_n, out_t = (getattr(lib.nn.functional, fname)(x, factor)
                    for lib, x in zip((nt, torch), inputs))
    assert out_n.dtype is nt.int64 and out_n.is_contiguous()
    np.testing.assert_array_equal(arr(out_n), arr(out_t))
    out_n.fill_(-1)
    np.testing.assert_array_equal(arr(inputs[0]), xi)


def test_shuffle_grad_fn_names_and_round_trip():
    x = nt.tensor(randn(2, 8, 4, 6), requires_grad=True)
    assert type(NF.pixel_shuffle(x, 2).grad_fn).__name__ == "PixelShuffleBackward0"
    assert type(NF.pixel_unshuffle(x, 2).grad_fn).__name__ == "PixelUnshuffleBackward0"
    assert type(NF.channel_shuffle(x, 4).grad_fn).__name__ == "ChannelShuffleBackward0"
    back = NF.pixel_unshuffle(NF.pixel_shuffle(x, 2), 2)
    np.testing.assert_array_equal(arr(back), arr(x))
    back = NF.channel_shuffle(NF.channel_shuffle(x, 2), 4)  # (2, 4) grid transposed back
    np.testing.assert_array_equal(arr(back), arr(x))


def test_shuffle_empty_inputs_match_torch():
    for fname, factor, shape in (("pixel_shuffle", 2, (0, 4, 2, 2)),
                                 ("pixel_shuffle", 2, (4, 0, 2)),
                                 ("pixel_unshuffle", 2, (4, 0, 2)),  # torch keeps the shape
                                 ("channel_shuffle", 2, (2, 4, 0)),
                                 ("channel_shuffle", 2, (0, 4, 2))):
        out_n, out_t = _both(lambda lib: getattr(lib.nn.functional, fname)(
            lib.zeros(shape), factor))
        assert tuple(out_n.shape) == tuple(out_t.shape), (fname, shape)


def test_shuffle_errors_match_torch():
    cases = [
        ("pixel_shuffle", (4, 2), 2), ("pixel_shuffle", (4, 2, 2), 0),
        ("pixel_shuffle", (4, 2, 2), -1), ("pixel_shuffle", (5, 2, 2), 2),
        ("pixel_shuffle", (3, 4, 2, 2, 2), 2), ("pixel_shuffle", (4, 2, 2), 2.0),
        ("pixel_shuffle", (4, 2, 2), True), ("pixel_shuffle", (4, 2, 2), None),
        ("pixel_unshuffle", (4, 2), 2), ("pixel_unshuffle", (4, 2, 2), 0),
        ("pixel_unshuffle", (4, 3, 2), 2), ("pixel_unshuffle", (4, 2, 3), 2),
        ("pixel_unshuffle", (4, 2, 2), 2.5),
        ("channel_shuffle", (4, 2), 2), ("channel_shuffle", (2, 4, 2), 0),
        ("channel_shuffle", (2, 4, 2), -2), ("channel_shuffle", (2, 4, 2), 3),
        ("channel_shuffle", (2, 4), 2), ("channel_shuffle", (2, 4, 2), 2.5),
    ]
    for fname, shape, factor in cases:
        x = randn(*shape)
        raises_like(lambda: getattr(NF, fname)(nt.tensor(x), factor),
                    lambda: getattr(TF, fname)(torch.tensor(x), factor))
    for fname in _SHUFFLE_MODULES:
        raises_like(lambda: getattr(NF, fname)([1.0], 2), lambda: getattr(TF, fname)([1.0], 2))
        raises_like(lambda: getattr(NF, fname)(np.ones((4, 2, 2)), 2),
                    lambda: getattr(TF, fname)(np.ones((4, 2, 2)), 2))
        with pytest.raises(TypeError):
            getattr(NF, fname)(nt.ones(4, 2, 2), 2, foo=1)
        # factors PyTorch's parser takes as ints
        for factor in (np.int64(1), nt.tensor(1)):
            assert tuple(getattr(NF, fname)(nt.ones(4, 2, 2), factor).shape) == (4, 2, 2)
    for cls in _SHUFFLE_MODULES.values():
        raises_like(lambda: getattr(nt.nn, cls)(2, 3), lambda: getattr(torch.nn, cls)(2, 3))


def test_shuffle_gradcheck():
    gradcheck(lambda x: NF.pixel_shuffle(x, 2), [randn(1, 8, 2, 1)])
    gradcheck(lambda x: NF.pixel_unshuffle(x, 2), [randn(2, 2, 4)])
    gradcheck(lambda x: NF.channel_shuffle(x, 3), [randn(1, 6, 2)])


# ---- channel-wise dropout ----------------------------------------------------------------------
_DROPOUTS = (("dropout1d", "Dropout1d", (4, 6, 5)), ("dropout2d", "Dropout2d", (3, 4, 2, 3)),
             ("dropout3d", "Dropout3d", (2, 4, 2, 2, 3)))


def _channels_of(out, x_shape, unbatched):
    """out as (channels, elements per channel)."""
    lead = 1 if unbatched else 2
    return arr(out).reshape(int(np.prod(x_shape[:lead])), -1)


def test_dropout_nd_modules_repr_and_arguments():
    for _, cls, _ in _DROPOUTS:
        for args in ((), (0.2, True), (1,)):
            m_n, m_t = _both(lambda lib: getattr(lib.nn, cls)(*args))
            assert repr(m_n) == repr(m_t)
        for args, kw in (((-0.1,), {}), ((1.1,), {}), ((0.2, True, 3), {}), ((), {"q": 3})):
            raises_like(lambda: getattr(nt.nn, cls)(*args, **kw),
                        lambda: getattr(torch.nn, cls)(*args, **kw))
    assert repr(nt.nn.Dropout(0.25)) == repr(torch.nn.Dropout(0.25))


@pytest.mark.parametrize("fname,cls,shape", _DROPOUTS)
def test_dropout_nd_identity_cases(fname, cls, shape):
    x = nt.tensor(randn(*shape), requires_grad=True)
    f = getattr(NF, fname)
    m = getattr(nt.nn, cls)(0.5)
    m.eval()
    for out in (m(x), f(x, 0.5, training=False), f(x, 0.0)):
        assert out is x  # as PyTorch: the input itself
    # p = 1 drops everything: a product with 0 (inf becomes nan), gradient 0
    out = f(x, 1.0)
    assert not arr(out).any()
    out.sum().backward()
    assert not arr(x.grad).any()
    inf = nt.full(shape, float("inf"))
    assert np.isnan(arr(f(inf, 1.0))).all() and np.isnan(arr(TF.__dict__[fname](
        torch.full(shape, float("inf")), 1.0))).all()


@pytest.mark.parametrize("fname,cls,shape,unbatched", [
    ("dropout1d", "Dropout1d", (300, 40, 3), False), ("dropout1d", "Dropout1d", (3000, 5), True),
    ("dropout2d", "Dropout2d", (100, 120, 2, 1), False),
    ("dropout3d", "Dropout3d", (60, 200, 1, 1, 2), False),
    ("dropout3d", "Dropout3d", (4000, 2, 1, 1), True),
])
def test_dropout_nd_masks_channels_with_the_right_statistics(fname, cls, shape, unbatched):
    p = 0.3
    x = randn(*shape, seed=5, dtype=np.float64)
    xn = nt.tensor(x, requires_grad=True)
    nt.manual_seed(11)
    m = getattr(nt.nn, cls)(p)
    out = m(xn)
    assert out.dtype is nt.float64 and tuple(out.shape) == shape
    ratio = _channels_of(out, shape, unbatched) / _channels_of(xn, shape, unbatched)
    kept = ratio[:, 0] != 0
    # one draw per channel: the whole channel is kept, scaled by 1/(1-p), or zeroed
    np.testing.assert_allclose(ratio[kept], 1.0 / (1.0 - p), rtol=1e-12)
    assert not ratio[~kept].any()
    n = kept.size
    dropped = 1.0 - kept.mean()
    assert abs(dropped - p) < 5 * np.sqrt(p * (1 - p) / n), (dropped, n)
    # the gradient is the mask times the output gradient
    g = randn(*shape, seed=6, dtype=np.float64)
    out.backward(nt.tensor(g))
    np.testing.assert_allclose(arr(xn.grad), g * (arr(out) / x), rtol=1e-12)
    # float32 keeps its dtype and the same scale
    out32 = getattr(NF, fname)(nt.tensor(x.astype(np.float32)), p)
    assert out32.dtype is nt.float32
    kept32 = arr(out32) != 0
    np.testing.assert_allclose(arr(out32)[kept32] / x.astype(np.float32)[kept32],
                               1.0 / (1.0 - p), rtol=1e-6)


@pytest.mark.parametrize("fname,cls,shape", _DROPOUTS)
def test_dropout_nd_reproducible_under_manual_seed(fname, cls, shape):
    f = getattr(NF, fname)
    x = nt.tensor(randn(*shape))
    runs = []
    for seed in (7, 7, 8):
        nt.manual_seed(seed)
        runs.append(arr(f(x, 0.5)))
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    # numtensor's CPU generator is PyTorch's: the same seed gives PyTorch's masks
    nt.manual_seed(3)
    torch.manual_seed(3)
    np.testing.assert_array_equal(arr(f(x, 0.4)), arr(getattr(TF, fname)(
        torch.tensor(arr(x)), 0.4)))


def test_dropout_nd_on_non_contiguous_input_and_in_place():
    base = randn(4, 5, 6, 3)
    x = nt.tensor(base).permute(1, 0, 3, 2)  # (5, 4, 3, 6), not contiguous
    nt.manual_seed(1)
    out = NF.dropout2d(x, 0.5)
    ratio = arr(out).reshape(20, -1) / arr(x).reshape(20, -1)
    assert set(np.unique(ratio.round(6))) <= {0.0, 2.0}
    assert (ratio == ratio[:, :1]).all()
    # in place: the input itself comes back, changed; unbatched keeps its shape
    for fname, shape in (("dropout1d", (3, 4)), ("dropout1d", (2, 3, 4)),
                         ("dropout2d", (2, 3, 4, 2)), ("dropout3d", (3, 2, 2, 2))):
        y = nt.ones(shape)
        got = getattr(NF, fname)(y, 0.5, inplace=True)
        assert got is y and tuple(y.shape) == shape
        assert set(np.unique(arr(y))) <= {0.0, 2.0}


def _warnings_of(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
            error = None
        except Exception as e:  # noqa: BLE001  (compared with torch's)
            error = (type(e), str(e))
    return [(w.category, str(w.message), w.filename) for w in caught], error


def test_dropout_nd_ranks_warnings_and_errors_match_torch():
    cases = [("dropout1d", (3,), {}), ("dropout1d", (3,), {"training": False}),
             ("dropout1d", (2, 3, 4, 5), {}), ("dropout1d", (2, 3), {"p": 1.5}),
             ("dropout2d", (2, 3), {}), ("dropout2d", (2, 3, 4), {}),
             ("dropout2d", (2, 3, 4), {"training": False}), ("dropout2d", (3,), {}),
             ("dropout2d", (), {}), ("dropout2d", (2, 3, 4, 5, 6), {}),
             ("dropout2d", (2, 3, 4, 5), {"p": -0.1}), ("dropout3d", (2, 3, 4), {}),
             ("dropout3d", (), {}), ("dropout3d", (3,), {"p": 1.0}),
             ("dropout3d", (2, 1, 2, 1, 2, 1), {})]
    for fname, shape, kw in cases:
        x = randn(*shape) if shape else np.float32(0.5)
        got, got_err = _warnings_of(lambda: getattr(NF, fname)(nt.tensor(x), **kw))
        want, want_err = _warnings_of(lambda: getattr(TF, fname)(torch.tensor(x), **kw))
        assert got_err == want_err, (fname, shape, kw)
        assert [w[:2] for w in got] == [w[:2] for w in want], (fname, shape, kw)
        assert all(w[2] == __file__ for w in got)  # the warning names the caller's line
    # shapes kept for the odd ranks PyTorch accepts (with its warning)
    for fname, shape in (("dropout2d", (2, 3)), ("dropout2d", (2, 3, 4, 5, 6)),
                         ("dropout3d", (2, 3, 4)), ("dropout3d", (2, 1, 2, 1, 2, 1))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = getattr(NF, fname)(nt.ones(shape), 0.5)
        assert tuple(out.shape) == shape


def test_dropout_nd_gradcheck():
    def seeded(fname, unbatched=False):
        def run(x):
            nt.manual_seed(0)  # the same mask on every call
            return getattr(NF, fname)(x, 0.4)
        return run
    gradcheck(seeded("dropout1d"), [randn(3, 4, 2)])
    gradcheck(seeded("dropout1d"), [randn(4, 2)])
    gradcheck(seeded("dropout2d"), [randn(2, 3, 2, 1)])
    gradcheck(seeded("dropout3d"), [randn(4, 1, 2, 1)])


# ---- Upsampling*2d -----------------------------------------------------------------------------
UPSAMPLINGS = {
    "nearest_scale": ("UpsamplingNearest2d", {"scale_factor": 2}, (1, 2, 3, 2)),
    "nearest_size": ("UpsamplingNearest2d", {"size": (5, 3)}, (2, 1, 2, 2)),
    "bilinear_scale": ("UpsamplingBilinear2d", {"scale_factor": 2}, (1, 2, 3, 2)),
    "bilinear_size": ("UpsamplingBilinear2d", {"size": (4, 5)}, (2, 1, 3, 3)),
}


@pytest.mark.parametrize("name", sorted(UPSAMPLINGS))
def test_upsampling_2d_matches_torch(name):
    cls, kw, shape = UPSAMPLINGS[name]
    m_n, m_t = _both(lambda lib: getattr(lib.nn, cls)(**kw))
    assert repr(m_n) == repr(m_t)
    assert (m_n.mode, m_n.align_corners) == (m_t.mode, m_t.align_corners)
    assert isinstance(m_n, nt.nn.Upsample)
    layout = _LAYOUTS[sorted(UPSAMPLINGS).index(name) % 3]
    for dtype in (np.float32, np.float64):
        compare(lambda lib, x: getattr(lib.nn, cls)(**kw)(x), [randn(*shape, seed=8)],
                layout=layout, dtype=dtype, atol=1e-6)
    raises_like(lambda: getattr(nt.nn, cls)(mode="nearest"),
                lambda: getattr(torch.nn, cls)(mode="nearest"))


def test_upsampling_2d_gradcheck():
    gradcheck(nt.nn.UpsamplingBilinear2d(scale_factor=2), [randn(1, 1, 2, 3)])
    gradcheck(nt.nn.UpsamplingNearest2d(size=(3, 5)), [randn(1, 2, 2, 2)])


# ---- exports and signatures --------------------------------------------------------------------
_MODULES = ("ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
            "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
            "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
            "CircularPad2d", "CircularPad3d", "PixelShuffle", "PixelUnshuffle", "ChannelShuffle",
            "Dropout1d", "Dropout2d", "Dropout3d", "UpsamplingNearest2d", "UpsamplingBilinear2d")
_FUNCTIONS = ("pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "dropout1d", "dropout2d",
              "dropout3d")


def _parameters(fn):
    return [(p.name, p.default, p.kind) for p in inspect.signature(fn).parameters.values()]


def test_exports_and_signatures_match_torch():
    for name in _MODULES:
        assert name in nt.nn.__all__ and name in nt.nn.modules.__all__, name
        assert getattr(nt.nn, name) is getattr(nt.nn.modules, name)
        assert _parameters(getattr(nt.nn, name).__init__) == \
            _parameters(getattr(torch.nn, name).__init__), name
        assert getattr(nt.nn, name).__doc__, name
    for name in _FUNCTIONS:
        assert name in NF.__all__, name
        fn = getattr(NF, name)
        assert fn.__doc__, name
        try:
            want = _parameters(getattr(TF, name))
        except (TypeError, ValueError):  # a C++ builtin: its docstring's first line
            head = getattr(TF, name).__doc__.strip().splitlines()[0]
            want = [(n.strip(), inspect.Parameter.empty,
                     inspect.Parameter.POSITIONAL_OR_KEYWORD)
                    for n in head[head.index("(") + 1:head.index(")")].split(",")]
        assert _parameters(fn) == want, name


def test_top_level_shuffles_and_bilinear_match_torch():
    import torch
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 8, 3, 3))
    a, b, w = rng.standard_normal((4, 3)), rng.standard_normal((4, 5)), rng.standard_normal((2, 3, 5))
    for name, args in [("pixel_shuffle", (x, 2)), ("pixel_unshuffle", (x, 3)),
                       ("channel_shuffle", (x, 4)), ("bilinear", (a, b, w))]:
        ours, theirs = (getattr(L, name)(*[L.tensor(v) if isinstance(v, np.ndarray) else v
                                           for v in args]) for L in (nt, torch))
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)
