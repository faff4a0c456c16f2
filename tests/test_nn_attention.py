"""Attention against torch: F.scaled_dot_product_attention, nn.MultiheadAttention and the
Transformer family (encoder/decoder layers and stacks, nn.Transformer): outputs, attention
weights, gradients of inputs and parameters, same-seed initialisation, reprs, state_dict
keys, signatures and errors."""
import inspect
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import (arr, assert_close, assert_grads_close, compare, copy_weights,
                        raises_like, randn, torch)

nF = nt.nn.functional
tF = torch.nn.functional

NEG_INF = float("-inf")


def _both(make):
    """make(lib) in numtensor and in torch, after the same manual_seed."""
    out = []
    for lib in (nt, torch):
        lib.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.append(make(lib))
    return out


def _assert_same_init(m_n, m_t):
    got, want = m_n.state_dict(), m_t.state_dict()
    assert list(got) == list(want)
    for name in want:
        np.testing.assert_array_equal(arr(got[name]), arr(want[name]), err_msg=name)


# ---- scaled_dot_product_attention ----------------------------------------------------------
Q4, K4, V4 = randn(2, 3, 4, 8, seed=1), randn(2, 3, 5, 8, seed=2), randn(2, 3, 5, 8, seed=3)
KEEP = np.random.default_rng(4).random((4, 5)) > 0.4
KEEP[:, 0] = True  # every query sees at least one key
KEEP_ROW_DEAD = KEEP.copy()
KEEP_ROW_DEAD[2] = False  # query 2 may attend to nothing


def _sdpa(**kwargs):
    def fn(lib, q, k, v):
        kw = dict(kwargs)
        for name in ("attn_mask",):
            if isinstance(kw.get(name), np.ndarray):
                kw[name] = lib.tensor(kw[name])
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, **kw)
    return fn


SDPA_CASES = {
    "plain": (_sdpa(), [Q4, K4, V4]),
    "causal": (_sdpa(is_causal=True), [Q4, K4, V4]),
    "scale": (_sdpa(scale=0.3), [Q4, K4, V4]),
    "negative_scale": (_sdpa(scale=-0.5), [Q4, K4, V4]),
    "bool_mask": (_sdpa(attn_mask=KEEP), [Q4, K4, V4]),
    "float_mask": (_sdpa(attn_mask=np.where(KEEP, 0.25, NEG_INF).astype(np.float32)),
                   [Q4, K4, V4]),
    "bool_mask_4d": (_sdpa(attn_mask=np.broadcast_to(KEEP, (2, 1, 4, 5)).copy()),
                     [Q4, K4, V4]),
    "mask_and_causal": (_sdpa(attn_mask=KEEP, is_causal=True), [Q4, K4, V4]),
    "dead_row": (_sdpa(attn_mask=KEEP_ROW_DEAD), [Q4, K4, V4]),
    "value_dim": (_sdpa(), [Q4, K4, randn(2, 3, 5, 6, seed=5)]),
    "value_dim_mask": (_sdpa(attn_mask=KEEP_ROW_DEAD), [Q4, K4, randn(2, 3, 5, 6, seed=5)]),
    "three_d": (_sdpa(is_causal=True), [Q4[0], K4[0], V4[0]]),
    "two_d": (_sdpa(attn_mask=KEEP), [Q4[0, 0], K4[0, 0], V4[0, 0]]),
    "broadcast_batch": (_sdpa(), [Q4, K4[:1], V4[:1]]),
    "gqa": (_sdpa(enable_gqa=True), [randn(2, 6, 4, 8, seed=6), K4, V4]),
}


@pytest.mark.parametrize("name", sorted(SDPA_CASES))
def test_sdpa_matches_torch(name):
    fn, arrays = SDPA_CASES[name]
    compare(fn, arrays, grad_atol=1e-5, grad_rtol=1e-4)


def test_sdpa_float64_and_grad_fn():
    q, k, v = (a.astype(np.float64) for a in (Q4, K4, V4))
    compare(_sdpa(attn_mask=KEEP), [q, k, v], dtype=np.float64, atol=1e-12, rtol=1e-10)
    for fn, arrays in (SDPA_CASES["plain"], SDPA_CASES["value_dim"], SDPA_CASES["three_d"]):
        names = []
        for lib in (nt, torch):
            xs = [lib.tensor(a, requires_grad=True) for a in arrays]
            names.append(type(fn(lib, *xs).grad_fn).__name__)
        assert names[0] == names[1]


def test_sdpa_dead_row_is_zero():
    q, k, v = (nt.tensor(a, requires_grad=True) for a in (Q4, K4, V4))
    out = nF.scaled_dot_product_attention(q, k, v, attn_mask=nt.tensor(KEEP_ROW_DEAD))
    assert np.all(arr(out)[:, :, 2] == 0)
    out.sum().backward()
    assert np.all(arr(q.grad)[:, :, 2] == 0) and np.isfinite(arr(k.grad)).all()


def test_sdpa_dropout_follows_the_seed_like_torch():
    outs = []
    for lib in (nt, torch):
        lib.manual_seed(5)
        q, k, v = (lib.tensor(a) for a in (Q4, K4, V4))
        outs.append(lib.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.4))
    assert_close(*outs)


SDPA_ERRORS = {
    "dtype": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(q, k.double(), v),
    "one_d": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q[0, 0, 0], k[0, 0, 0], v[0, 0, 0]),
    "mask_long": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=L.zeros(4, 5, dtype=L.long)),
    "mask_double": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=L.zeros(4, 5, dtype=L.float64)),
    "int_inputs": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q.long(), k.long(), v.long()),
    "dropout": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, dropout_p=1.5),
    "causal_and_mask_unfused": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v[..., :6], attn_mask=L.ones(4, 5, dtype=L.bool), is_causal=True),
    "gqa_heads": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k[:, :2], v[:, :2], enable_gqa=True),
    "causal_int": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, is_causal=1),
    "unknown_keyword": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, causal=True),
    "scale_positional": lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, None, 0.0, False, 0.5),
}


@pytest.mark.parametrize("name", sorted(SDPA_ERRORS))
def test_sdpa_errors_match_torch(name):
    fn = SDPA_ERRORS[name]
    args = {lib: [lib.tensor(a) for a in (Q4, K4, V4)] for lib in (nt, torch)}
    if name in ("unknown_keyword", "scale_positional"):  # the messages name the callee
        with pytest.raises(TypeError):
            fn(nt, *args[nt])
        with pytest.raises(TypeError):
            fn(torch, *args[torch])
        return
    raises_like(lambda: fn(nt, *args[nt]), lambda: fn(torch, *args[torch]))


# ---- MultiheadAttention ----------------------------------------------------------------------
MHA_CONFIGS = {
    "default": {},
    "kdim_vdim": dict(kdim=5, vdim=3),
    "bias_kv_zero_attn": dict(add_bias_kv=True, add_zero_attn=True),
    "no_bias": dict(bias=False),
}
KEY_PAD = np.zeros((2, 5), bool)
KEY_PAD[0, 3:] = True
ATTN_BLOCK = ~KEEP  # True = not allowed, as MultiheadAttention reads it


def _mha_options(lib, option):
    if option == "padding":
        return dict(key_padding_mask=lib.tensor(KEY_PAD), average_attn_weights=False)
    if option == "masks":
        return dict(key_padding_mask=lib.tensor(KEY_PAD), attn_mask=lib.tensor(ATTN_BLOCK))
    if option == "masks_no_weights":
        return dict(key_padding_mask=lib.tensor(KEY_PAD), attn_mask=lib.tensor(ATTN_BLOCK),
                    need_weights=False)
    if option == "float_masks":
        return dict(key_padding_mask=lib.tensor(np.where(KEY_PAD, NEG_INF, 0.0).astype(np.float32)),
                    attn_mask=lib.tensor(np.where(ATTN_BLOCK, NEG_INF, 0.5).astype(np.float32)))
    if option == "causal":
        mask = lib.nn.Transformer.generate_square_subsequent_mask(4)[:, :4]
        return dict(attn_mask=lib.cat([mask, lib.zeros(4, 1)], 1), is_causal=True,
                    need_weights=False)
    return {"plain": {}, "no_weights": dict(need_weights=False),
            "per_head": dict(average_attn_weights=False)}[option]


def _run_mha(m_n, m_t, arrays, option, self_attention=False):
    """Forward and backward in both libraries; compare outputs, weights and gradients."""
    results = []
    for lib, m in ((nt, m_n), (torch, m_t)):
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        q, k, v = (xs[0], xs[0], xs[0]) if self_attention else xs
        out, weights = m(q, k, v, **_mha_options(lib, option))
        out.backward(lib.tensor(randn(*out.shape, seed=9)))
        results.append((out, weights, [x.grad for x in xs]))
    (out_n, w_n, g_n), (out_t, w_t, g_t) = results
    assert_close(out_n, out_t, msg="attn_output")
    assert_close(w_n, w_t, msg="attn_output_weights")
    for i, (a, b) in enumerate(zip(g_n, g_t)):
        assert_close(a, b, atol=1e-5, rtol=1e-4, msg=f"grad of input {i}")
    assert_grads_close(m_n, m_t)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("config", sorted(MHA_CONFIGS))
def test_multihead_attention_matches_torch(config, batch_first):
    kw = MHA_CONFIGS[config]
    m_n, m_t = _both(lambda lib: lib.nn.MultiheadAttention(8, 2, batch_first=batch_first, **kw))
    _assert_same_init(m_n, m_t)
    assert repr(m_n) == repr(m_t)
    shape = (lambda n, e: (2, n, e)) if batch_first else (lambda n, e: (n, 2, e))
    arrays = [randn(*shape(4, 8), seed=1), randn(*shape(5, m_t.kdim), seed=2),
              randn(*shape(5, m_t.vdim), seed=3)]
    options = ["plain", "masks_no_weights"]  # (the layout is all batch_first changes)
    if not batch_first:
        options += ["no_weights", "per_head", "masks"]
    for option in options + (["float_masks", "causal"] if config == "default" else []):
        m_n.zero_grad()
        m_t.zero_grad()
        _run_mha(m_n, m_t, arrays, option)


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_self_attention_and_unbatched(need_weights):
    m_n, m_t = _both(lambda lib: lib.nn.MultiheadAttention(8, 2, batch_first=True))
    _run_mha(m_n, m_t, [randn(2, 5, 8, seed=1)], "padding" if need_weights else "no_weights",
             self_attention=True)
    results = []
    for lib, m in ((nt, m_n), (torch, m_t)):
        x = lib.tensor(randn(5, 8, seed=2), requires_grad=True)
        attn_mask = lib.tensor(np.random.default_rng(0).random((2, 5, 5)) > 0.7)
        out, w = m(x, x, x, key_padding_mask=lib.tensor([False, False, False, True, False]),
                   attn_mask=attn_mask, need_weights=need_weights, average_attn_weights=False)
        out.sum().backward()
        results.append((out, w, x.grad))
    for got, want in zip(*results):
        assert_close(got, want, atol=1e-5, rtol=1e-4)


def test_multihead_attention_fully_masked_query_gives_nan_weights_like_torch():
    m_n, m_t = _both(lambda lib: lib.nn.MultiheadAttention(4, 1))
    blocked = np.zeros((3, 3), bool)
    blocked[1] = True
    outs = []
    for lib, m in ((nt, m_n), (torch, m_t)):
        x = lib.tensor(randn(3, 4, seed=3))
        outs.append(m(x, x, x, attn_mask=lib.tensor(blocked)))
    for got, want in zip(*outs):
        np.testing.assert_allclose(arr(got), arr(want), rtol=1e-5, atol=1e-6, equal_nan=True)
    assert np.isnan(arr(outs[1][1])[1]).all()


def test_multihead_attention_dropout_follows_the_seed_like_torch():
    m_n, m_t = _both(lambda lib: lib.nn.MultiheadAttention(8, 2, dropout=0.5))
    for need_weights in (True, False):
        outs = []
        for lib, m in ((nt, m_n), (torch, m_t)):
            lib.manual_seed(3)
            x = lib.tensor(randn(4, 2, 8, seed=4))
            outs.append(m(x, x, x, need_weights=need_weights)[0])
        assert_close(*outs)


def test_multihead_attention_mask_type_warning():
    for lib in (nt, torch):
        m = lib.nn.MultiheadAttention(4, 1)
        x = lib.ones(3, 2, 4)
        with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and "
                                             "attn_mask is deprecated"):
            m(x, x, x, key_padding_mask=lib.zeros(2, 3, dtype=lib.bool),
              attn_mask=lib.zeros(3, 3))


MHA_ERRORS = {
    "not_divisible": lambda L: L.nn.MultiheadAttention(8, 3),
    "zero_heads": lambda L: L.nn.MultiheadAttention(8, 0),
    "causal_without_mask": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(3, 2, 4), L.ones(3, 2, 4), L.ones(3, 2, 4), is_causal=True),
    "mask_shape": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(3, 2, 4), L.ones(5, 2, 4), L.ones(5, 2, 4), attn_mask=L.zeros(3, 3)),
    "mask_3d_shape": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(3, 2, 4), L.ones(5, 2, 4), L.ones(5, 2, 4), attn_mask=L.zeros(2, 3, 5)),
    "four_d_query": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(1, 3, 2, 4), L.ones(1, 3, 2, 4), L.ones(1, 3, 2, 4)),
    "key_rank": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(3, 2, 4), L.ones(3, 4), L.ones(3, 4)),
    "int_mask": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(3, 2, 4), L.ones(3, 2, 4), L.ones(3, 2, 4), attn_mask=L.zeros(3, 3, dtype=L.long)),
    "embed_dim": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(3, 2, 6), L.ones(3, 2, 6), L.ones(3, 2, 6)),
    "padding_shape": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(3, 2, 4), L.ones(3, 2, 4), L.ones(3, 2, 4),
        key_padding_mask=L.zeros(2, 4, dtype=L.bool)),
}


@pytest.mark.parametrize("name", sorted(MHA_ERRORS))
def test_multihead_attention_errors_match_torch(name):
    fn = MHA_ERRORS[name]
    raises_like(lambda: fn(nt), lambda: fn(torch))


def test_unknown_keywords_are_type_errors():
    for make in (lambda L: L.nn.MultiheadAttention(4, 2, bais=False),
                 lambda L: L.nn.TransformerEncoderLayer(4, 2, nheads=2),
                 lambda L: L.nn.TransformerEncoder(L.nn.TransformerEncoderLayer(4, 2), 1,
                                                   norm_first=True)):
        for lib in (nt, torch):
            with pytest.raises(TypeError), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                make(lib)


# ---- the transformer layers ------------------------------------------------------------------
def _run_module(m_n, m_t, inputs, kwargs_of=lambda lib: {}, grad=True):
    """m(*inputs, **kwargs) in both libraries (torch's weights), eval mode: the same output
    and, with grad, the same input and parameter gradients."""
    copy_weights(m_n, m_t)
    m_n.eval()
    m_t.eval()
    results = []
    for lib, m in ((nt, m_n), (torch, m_t)):
        xs = [lib.tensor(a, requires_grad=grad) for a in inputs]
        if grad:
            out = m(*xs, **kwargs_of(lib))
            out.backward(lib.tensor(randn(*out.shape, seed=11)))
        else:
            with lib.no_grad():
                out = m(*xs, **kwargs_of(lib))
        results.append((out, [x.grad for x in xs]))
    (out_n, g_n), (out_t, g_t) = results
    assert_close(out_n, out_t, atol=2e-6, rtol=1e-5, msg="output")
    if grad:
        for a, b in zip(g_n, g_t):
            assert_close(a, b, atol=1e-5, rtol=1e-4, msg="input grad")
        assert_grads_close(m_n, m_t)


def _seq(batch_first, n, e=8, seed=0):
    return randn(2, n, e, seed=seed) if batch_first else randn(n, 2, e, seed=seed)


@pytest.mark.parametrize("activation,norm_first,batch_first", [
    ("relu", False, False), ("gelu", False, True), ("relu", True, True), ("gelu", True, False)])
def test_transformer_encoder_matches_torch(activation, norm_first, batch_first):
    def make(lib):
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, activation=activation,
                                               batch_first=batch_first, norm_first=norm_first)
        return layer, lib.nn.TransformerEncoder(layer, 2, norm=lib.nn.LayerNorm(8))
    (layer_n, enc_n), (layer_t, enc_t) = _both(make)
    for m_n, m_t in ((layer_n, layer_t), (enc_n, enc_t)):
        _assert_same_init(m_n, m_t)
        assert repr(m_n) == repr(m_t)
    x = _seq(batch_first, 5)
    _run_module(layer_n, layer_t, [x])
    _run_module(enc_n, enc_t, [x], lambda lib: {
        "src_key_padding_mask": lib.tensor(np.where(KEY_PAD, NEG_INF, 0.0).astype(np.float32)),
        "mask": lib.nn.Transformer.generate_square_subsequent_mask(5)})


def test_encoder_layer_callable_activation_and_unbatched():
    (m_n, m_t) = _both(lambda lib: lib.nn.TransformerEncoderLayer(
        8, 4, 16, activation=lib.nn.GELU(), dropout=0.0))
    assert repr(m_n) == repr(m_t) and m_n.activation_relu_or_gelu == 2
    _run_module(m_n, m_t, [randn(5, 8)], lambda lib: {
        "src_key_padding_mask": lib.tensor([False, False, True, False, False])})
    (m_n, m_t) = _both(lambda lib: lib.nn.TransformerEncoderLayer(
        8, 2, 16, activation=lambda x: x.tanh(), bias=False))
    _run_module(m_n, m_t, [randn(4, 2, 8)], lambda lib: {
        "src_mask": lib.nn.Transformer.generate_square_subsequent_mask(4), "is_causal": True})


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")
@pytest.mark.parametrize("mask_check", [True, False])
def test_encoder_inference_with_padding_matches_torch(mask_check):
    """torch runs this on nested tensors: padded positions come back as zeros."""
    (enc_n, enc_t) = _both(lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2, mask_check=mask_check))
    pad = np.zeros((2, 5), bool)
    pad[1, 3:] = True
    _run_module(enc_n, enc_t, [randn(2, 5, 8)],
                lambda lib: {"src_key_padding_mask": lib.tensor(pad)}, grad=False)
    pad[0, 1] = True  # not left-aligned: ordinary attention, or (mask_check=False) the
    # first sequence taken as its first 4 positions
    _run_module(enc_n, enc_t, [randn(2, 5, 8)],
                lambda lib: {"src_key_padding_mask": lib.tensor(pad)}, grad=False)


def test_encoder_warns_like_torch_and_copies_layers():
    for kw in (dict(), dict(batch_first=True), dict(batch_first=True, norm_first=True),
               dict(batch_first=True, nhead=1)):
        caught = []
        for lib in (nt, torch):
            args = dict(d_model=4, nhead=2, dim_feedforward=8)
            args.update(kw)
            layer = lib.nn.TransformerEncoderLayer(**args)
            with warnings.catch_warnings(record=True) as got:
                warnings.simplefilter("always")
                enc = lib.nn.TransformerEncoder(layer, 3)
            caught.append([str(w.message) for w in got])
        assert caught[0] == caught[1]
        assert enc.use_nested_tensor == (not caught[1])
    enc = nt.nn.TransformerEncoder(nt.nn.TransformerEncoderLayer(4, 2, 8), 2,
                                   enable_nested_tensor=False)
    first, second = enc.layers
    assert first is not second and first.linear1.weight is not second.linear1.weight
    np.testing.assert_array_equal(arr(first.linear1.weight), arr(second.linear1.weight))


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_decoder_matches_torch(norm_first):
    def make(lib):
        layer = lib.nn.TransformerDecoderLayer(8, 2, 16, activation="gelu",
                                               norm_first=norm_first)
        return layer, lib.nn.TransformerDecoder(layer, 2, norm=lib.nn.LayerNorm(8))
    (layer_n, dec_n), (layer_t, dec_t) = _both(make)
    tgt, memory = _seq(False, 4, seed=1), _seq(False, 5, seed=2)

    def masks(lib):
        return {"tgt_mask": lib.nn.Transformer.generate_square_subsequent_mask(4),
                "memory_key_padding_mask": lib.tensor(KEY_PAD)}
    for m_n, m_t in ((layer_n, layer_t), (dec_n, dec_t)):
        _assert_same_init(m_n, m_t)
        assert repr(m_n) == repr(m_t)
        _run_module(m_n, m_t, [tgt, memory], masks)


@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_torch(batch_first):
    (m_n, m_t) = _both(lambda lib: lib.nn.Transformer(
        8, 2, 1, 2, 16, batch_first=batch_first, norm_first=batch_first))
    _assert_same_init(m_n, m_t)
    assert repr(m_n) == repr(m_t)

    def masks(lib):
        return {"tgt_mask": lib.nn.Transformer.generate_square_subsequent_mask(4),
                "src_key_padding_mask": lib.tensor(KEY_PAD),
                "memory_key_padding_mask": lib.tensor(KEY_PAD)}
    _run_module(m_n, m_t, [_seq(batch_first, 5, seed=1), _seq(batch_first, 4, seed=2)], masks)
    raises_like(lambda: m_n(nt.ones(5, 2, 8), nt.ones(4, 3, 8)) if not batch_first
                else m_n(nt.ones(2, 5, 8), nt.ones(3, 4, 8)),
                lambda: m_t(torch.ones(5, 2, 8), torch.ones(4, 3, 8)) if not batch_first
                else m_t(torch.ones(2, 5, 8), torch.ones(3, 4, 8)))


def test_generate_square_subsequent_mask():
    for dtype in (None, "float64"):
        got = nt.nn.Transformer.generate_square_subsequent_mask(
            4, dtype=None if dtype is None else getattr(nt, dtype))
        want = torch.nn.Transformer.generate_square_subsequent_mask(
            4, dtype=None if dtype is None else getattr(torch, dtype))
        assert got.dtype.is_floating_point and str(got) == str(want)
        np.testing.assert_array_equal(arr(got), arr(want))


def test_activation_error_matches_torch():
    raises_like(lambda: nt.nn.TransformerEncoderLayer(4, 2, activation="tanh"),
                lambda: torch.nn.TransformerEncoderLayer(4, 2, activation="tanh"))


# ---- signatures ------------------------------------------------------------------------------
def _plain(fn):
    """(name, kind, default) of each parameter; a default activation function compares by
    name (each library's own F.relu)."""
    out = []
    for p in inspect.signature(fn).parameters.values():
        default = p.default.__name__ if callable(p.default) else p.default
        out.append((p.name, p.kind, default))
    return out


@pytest.mark.parametrize("name", ["MultiheadAttention", "TransformerEncoderLayer",
                                  "TransformerEncoder", "TransformerDecoderLayer",
                                  "TransformerDecoder", "Transformer"])
def test_module_signatures_match_torch(name):
    ours, theirs = getattr(nt.nn, name), getattr(torch.nn, name)
    assert name in nt.nn.__all__
    assert _plain(ours.__init__) == _plain(theirs.__init__)
    assert _plain(ours.forward) == _plain(theirs.forward)


def test_functional_signatures_match_torch():
    assert _plain(nF.multi_head_attention_forward) == _plain(tF.multi_head_attention_forward)
    assert _plain(nt.nn.Transformer.generate_square_subsequent_mask) == \
        _plain(torch.nn.Transformer.generate_square_subsequent_mask)
    assert [(p.name, p.default) for p in inspect.signature(
        nF.scaled_dot_product_attention).parameters.values()] == [
        ("query", inspect.Parameter.empty), ("key", inspect.Parameter.empty),
        ("value", inspect.Parameter.empty), ("attn_mask", None), ("dropout_p", 0.0),
        ("is_causal", False), ("scale", None), ("enable_gqa", False)]
    for name in ("scaled_dot_product_attention", "multi_head_attention_forward"):
        assert name in nF.__all__
