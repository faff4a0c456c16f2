"""Attention: scaled_dot_product_attention and multi_head_attention_forward.

Both are composed of numtensor's tensor ops (matmul, softmax, dropout, linear, views), so
they run on every backend and autograd supplies their gradients.  They follow PyTorch's
reference ("math") formulation: scores = query @ key^T * scale plus an additive mask of
0 / -inf, a softmax over the keys, dropout, then the weighted sum of the values.  Where
PyTorch runs its fused CPU kernel instead, the result carries that kernel's single
backward node (ScaledDotProductFlashAttentionForCpuBackward0), as in PyTorch.
"""
import math
import warnings

from .. import _dtype, ones, zeros, zeros_like
from ..autograd.derivatives import composite
from ..ops.joining import cat
from ..ops.out_args import CPP_TYPE_NAME
from .functional import dropout, linear, pad, softmax
from ..amp.autocast_mode import lower_precision

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_NEG_INF = float("-inf")


# ---- scaled dot-product attention ------------------------------------------------------
def _cpp_name(dt):
    return CPP_TYPE_NAME.get(dt.name, dt.name)


def _check_flag(name, value):
    # PyTorch's argument parser takes only a bool here (is_causal=1 is a TypeError)
    if not isinstance(value, bool) and type(value).__name__ not in ("bool", "bool_"):
        raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be bool, not "
                        f"{type(value).__name__}")


def _check_sdpa_inputs(query, key, value, attn_mask, dropout_p):
    """PyTorch's argument checks (sdp_utils: check_for_... and the math kernel's)."""
    if min(query.dim(), key.dim(), value.dim()) < 2:
        raise RuntimeError("Expected query, key, and value to all be  at least 2 dimensional, "
                           f"but got query.dim: {query.dim()} key.dim: {key.dim()} and "
                           f"value.dim: {value.dim()} instead.")
    if not (query.dtype is key.dtype is value.dtype):
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {_cpp_name(query.dtype)} key.dtype: "
                           f"{_cpp_name(key.dtype)} and value.dtype: {_cpp_name(value.dtype)} "
                           "instead.")
    if not (query.device == key.device == value.device):
        raise RuntimeError("Expected query, key, and value to have the same device type, but "
                           f"got query.device: {query.device} key.device: {key.device} and "
                           f"value.device: {value.device} instead.")
    if not query.dtype.is_floating_point:
        raise RuntimeError(f"expected scalar type Float but found "
                           f"{query.dtype._tensor_type[:-len('Tensor')]}")
    if attn_mask is not None and attn_mask.dtype is not _dtype.bool_ \
            and attn_mask.dtype is not query.dtype:
        raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query "
                           f"dtype, but got attn_mask.dtype: {_cpp_name(attn_mask.dtype)} and  "
                           f"query.dtype: {_cpp_name(query.dtype)} instead.")
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")


def _repeat_heads(x, heads):
    """x (..., H, S, E) with each head repeated heads // H times in a row (for grouped
    query attention): PyTorch's repeat_interleave along dim -3, as a broadcast view."""
    groups = heads // x.size(-3)
    if groups == 1:
        return x
    shape = tuple(x.shape)
    wide = x.unsqueeze(-3).expand(*shape[:-2], groups, *shape[-2:])
    return wide.reshape(*shape[:-3], shape[-3] * groups, *shape[-2:])


def _expand_groups(query, key, value):
    heads = query.size(-3)
    if heads % key.size(-3) or heads % value.size(-3):
        # (PyTorch's message ends there too)
        raise RuntimeError("Number of heads in key and value must divide the number of heads "
                           "in ")
    return _repeat_heads(key, heads), _repeat_heads(value, heads)


def _attention_bias(query, key, attn_mask, is_causal):
    """The additive mask: 0 where a query may attend to a key, -inf where it may not (a
    boolean attn_mask is True where attention is allowed; a float one is added as is).
    None when nothing is masked."""
    bias = None
    if is_causal:
        allowed = ones(query.size(-2), key.size(-2), dtype=_dtype.bool_,
                       device=query.device).tril()
        bias = zeros(allowed.shape, dtype=query.dtype, device=query.device).masked_fill(
            allowed.logical_not(), _NEG_INF)
    if attn_mask is not None:
        if attn_mask.dtype is _dtype.bool_:
            attn_mask = zeros_like(attn_mask, dtype=query.dtype).masked_fill(
                attn_mask.logical_not(), _NEG_INF)
        bias = attn_mask if bias is None else bias + attn_mask
    return bias


def _safe_softmax(scores):
    """softmax over the keys, with 0 (not nan) for a query whose every key is masked.
    Such rows are set to 0 before the softmax too, so that its backward stays finite."""
    dead = (scores == _NEG_INF).all(-1, keepdim=True)
    return softmax(scores.masked_fill(dead, 0.0), -1).masked_fill(dead, 0.0)


def _sdpa_math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    if enable_gqa:
        key, value = _expand_groups(query, key, value)
    scale_factor = 1.0 / math.sqrt(query.size(-1)) if scale is None else scale
    scores = query.matmul(key.transpose(-2, -1)) * scale_factor
    bias = _attention_bias(query, key, attn_mask, is_causal)
    if bias is None:
        weights = softmax(scores, -1)
    else:
        weights = _safe_softmax(scores + bias)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p)
    return weights.matmul(value)


# PyTorch's fused CPU kernel: one backward node for the whole attention
_sdpa_flash_cpu = composite("ScaledDotProductFlashAttentionForCpuBackward0")(_sdpa_math)


def _runs_fused_on_cpu(query, key, value, dropout_p, enable_gqa):
    """Whether PyTorch picks its fused CPU kernel (sdp_utils_cpp: 4-D dense inputs of one
    batch and head count, equal head dims, non-empty sequences, no dropout)."""
    if query.device.type != "cpu" or dropout_p > 0.0:
        return False
    if not query.dim() == key.dim() == value.dim() == 4:
        return False
    same_batch = query.shape[0] == key.shape[0] == value.shape[0]
    same_heads = enable_gqa or query.shape[1] == key.shape[1] == value.shape[1]
    same_dim = query.shape[-1] == key.shape[-1] == value.shape[-1]
    non_empty = query.shape[-2] > 0 and key.shape[-2] > 0
    return same_batch and same_heads and same_dim and non_empty


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, *, scale=None, enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value over the last two dims.

    query is (..., L, E), key (..., S, E), value (..., S, Ev); the result is (..., L, Ev).
    attn_mask broadcasts to (..., L, S): a boolean mask is True where attention is
    allowed, a float mask is added to the scores.  is_causal lets query i attend to keys
    0..i only (combined with attn_mask when both are given).  scale defaults to
    1/sqrt(E).  dropout_p is applied to the attention weights whenever it is > 0 (pass
    0.0 in evaluation).  enable_gqa lets key and value have fewer heads (dim -3) than
    query, each shared by a group of query heads.  A query that may attend to no key
    gets zeros."""
    query, key, value, attn_mask = lower_precision(query, key, value, attn_mask)  # (autocast)
    _check_flag("is_causal", is_causal)
    _check_flag("enable_gqa", enable_gqa)
    _check_sdpa_inputs(query, key, value, attn_mask, dropout_p)
    fused = _runs_fused_on_cpu(query, key, value, dropout_p, enable_gqa)
    if is_causal and attn_mask is not None and not fused:
        # (the fused CPU kernel applies both; PyTorch's other kernels refuse)
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    run = _sdpa_flash_cpu if fused else _sdpa_math
    return run(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)


# ---- multi-head attention --------------------------------------------------------------
def _none_or_dtype(input):
    return None if input is None else input.dtype


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A boolean mask (True = masked out) as an additive float mask of target_type
    (-inf where masked); a float mask is returned as is."""
    if mask is None:
        return None
    is_float = mask.dtype.is_floating_point
    if mask.dtype is not _dtype.bool_ and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype is not other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                      "Use same type for both instead.", stacklevel=2)
    if not is_float:
        mask = zeros_like(mask, dtype=target_type).masked_fill_(mask, _NEG_INF)
    return mask


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the input is batched (3-D query) or not (2-D), with PyTorch's checks of the
    other arguments' ranks."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be "
                                 f"3-D but found {key.dim()}-D and {value.dim()}-D tensors "
                                 "respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be "
                                 f"`None` or 2-D but found {key_padding_mask.dim()}-D tensor "
                                 "instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, "
                                 f"2-D or 3-D but found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to "
                                 f"be 2-D but found {key.dim()}-D and {value.dim()}-D tensors "
                                 "respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to "
                                 f"be `None` or 1-D but found {key_padding_mask.dim()}-D tensor "
                                 "instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be "
                                     f"`None`, 2-D or 3-D but found {attn_mask.dim()}-D tensor "
                                     "instead")
            expected = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
                raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                     f"{attn_mask.shape}")
        return False
    raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                         f"{query.dim()}-D query tensor")


def _in_projection_packed(q, k, v, w, b=None):
    """q, k and v projected by the three row blocks of the packed weight w (and bias b);
    self-attention (q is k is v) and encoder-decoder attention (k is v) share one
    matrix product."""
    E = q.size(-1)
    if k is v:
        if q is k:
            proj = linear(q, w, b).unflatten(-1, (3, E))
            proj = proj.unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([E, E * 2])
        b_q, b_kv = (None, None) if b is None else b.split([E, E * 2])
        kv_proj = linear(k, w_kv, b_kv).unflatten(-1, (2, E))
        kv_proj = kv_proj.unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
        return linear(q, w_q, b_q), kv_proj[0], kv_proj[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q=None, b_k=None, b_v=None):
    """q, k and v projected by their own weights (key and value dims may differ)."""
    Eq, Ek, Ev = q.size(-1), k.size(-1), v.size(-1)
    for what, w, want in (("query", w_q, (Eq, Eq)), ("key", w_k, (Eq, Ek)),
                          ("value", w_v, (Eq, Ev))):
        if tuple(w.shape) != want:
            raise AssertionError(f"expecting {what} weights shape of {want}, but got {w.shape}")
    for what, b in (("query", b_q), ("key", b_k), ("value", b_v)):
        if b is not None and tuple(b.shape) != (Eq,):
            raise AssertionError(f"expecting {what} bias shape of {(Eq,)}, but got {b.shape}")
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def _check_attn_mask_shape(attn_mask, bsz, num_heads, tgt_len, src_len):
    """attn_mask as (1 or bsz * num_heads, L, S)."""
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should "
                               f"be {(tgt_len, src_len)}.")
        return attn_mask.unsqueeze(0)
    if attn_mask.dim() == 3:
        if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should "
                               f"be {(bsz * num_heads, tgt_len, src_len)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def _split_heads(x, static, bsz, num_heads, head_dim, name):
    """(S, N, E) -> (N * num_heads, S, head_dim), or the given static tensor instead."""
    if static is None:
        return x.view(x.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if static.size(0) != bsz * num_heads:
        raise AssertionError(f"expecting static_{name}.size(0) of {bsz * num_heads}, but got "
                             f"{static.size(0)}")
    if static.size(2) != head_dim:
        raise AssertionError(f"expecting static_{name}.size(2) of {head_dim}, but got "
                             f"{static.size(2)}")
    return static


def _attend_with_weights(q, k, v, attn_mask, dropout_p):
    """Attention that also returns its weights: softmax(q k^T / sqrt(d) + mask) (no
    masked-row guard: a fully masked query gets nan, as in PyTorch)."""
    q_scaled = q * math.sqrt(1.0 / float(q.shape[-1]))
    weights = q_scaled.bmm(k.transpose(-2, -1))
    if attn_mask is not None:
        weights = attn_mask + weights  # PyTorch's baddbmm(attn_mask, q_scaled, k^T)
    weights = softmax(weights, dim=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, p=dropout_p)
    return weights.bmm(v), weights


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """MultiheadAttention's computation, on (L, N, E) query and (S, N, Ek/Ev) key/value
    (or unbatched (L, E), (S, Ek/Ev)).  Returns (attn_output, attn_output_weights); the
    weights are averaged over the heads with average_attn_weights, and None when
    need_weights is False."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:  # a batch of one, removed again at the end
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask",
                                       _none_or_dtype(attn_mask), "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # scaled_dot_product_attention builds the causal mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                    check_other=False)
        if key_padding_mask is not None:
            is_causal = False  # the masks are merged below; the hint no longer holds
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match "
                                 f"value's {value.shape[:2]}")
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight "
                                     "is None")
        biases = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight,
                                 v_proj_weight, *biases)

    if attn_mask is not None:
        attn_mask = _check_attn_mask_shape(attn_mask, bsz, num_heads, tgt_len, src_len)

    if bias_k is not None and bias_v is not None:  # one learned extra key/value position
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")

    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _split_heads(k, static_k, bsz, num_heads, head_dim, "k")
    v = _split_heads(v, static_v, bsz, num_heads, head_dim, "v")

    if add_zero_attn:  # one extra all-zero key/value position
        zero_shape = (bsz * num_heads, 1, head_dim)
        k = cat([k, zeros(zero_shape, dtype=k.dtype, device=k.device)], dim=1)
        v = cat([v, zeros(zero_shape, dtype=v.dtype, device=v.device)], dim=1)
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))

    src_len = k.size(1)
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(
            -1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask

    if not training:
        dropout_p = 0.0

    if need_weights:
        out, weights = _attend_with_weights(q, k, v, attn_mask, dropout_p)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias)
        out = out.view(tgt_len, bsz, out.size(1))
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not is_batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights

    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.size(1))
    if not is_batched:
        out = out.squeeze(1)
    return out, None
