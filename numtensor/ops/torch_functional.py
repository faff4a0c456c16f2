"""The torch.* forms of nn.functional ops that PyTorch exposes at the top level
(torch.dropout, torch.layer_norm, torch.embedding, torch.kl_div, torch.gru_cell, ...).

They are ATen's signatures, not nn.functional's: dropout's flag is `train` and has no
default, embedding takes the weight first, the norms take cudnn flags, the losses take
`reduction` as an int (0 none, 1 mean, 2 sum; PyTorch reads any other int as none).
Each one checks its arguments' types as PyTorch's parser does and then runs
numtensor's nn.functional op.
"""
import functools
import inspect
import numbers

from .._tensor import Tensor
from ..nn import functional as F
from ..nn import _functional_activations as _act
from ..nn.modules import rnn as _rnn
from ..autograd.derivatives import composite
from .elementwise import _with_out
from .out_args import castable

# ---- PyTorch's argument parser ------------------------------------------------------------
_INT_LIST = (list, tuple)


def _is_real(v):
    return (isinstance(v, numbers.Real) and not isinstance(v, complex)) or (
        isinstance(v, Tensor) and v.ndim == 0)


def _is_int(v):
    return (isinstance(v, numbers.Integral) and not isinstance(v, bool)) or (
        isinstance(v, Tensor) and v.ndim == 0 and not v.dtype.is_floating_point
        and not v.dtype.is_complex and v.dtype.itemsize > 1)


def _is_ints(v):
    return isinstance(v, _INT_LIST) and all(_is_int(e) for e in v)


# kind -> (what PyTorch's message calls it, the test)
_KINDS = {
    "Tensor": ("Tensor", lambda v: isinstance(v, Tensor)),
    "Tensor?": ("Tensor", lambda v: v is None or isinstance(v, Tensor)),
    "float": ("float", _is_real),
    "float?": ("float", lambda v: v is None or _is_real(v)),
    "bool": ("bool", lambda v: isinstance(v, bool)),
    "int": ("int", _is_int),
    "int[]": ("tuple of ints", _is_ints),
    "int[1]": ("tuple of ints", lambda v: _is_int(v) or _is_ints(v)),
    "Number": ("Number", lambda v: isinstance(v, numbers.Number) or (
        isinstance(v, Tensor) and v.ndim == 0)),
    "Tensor[]": ("tuple of Tensors", lambda v: isinstance(v, _INT_LIST)
                 and all(isinstance(e, Tensor) for e in v)),
}


def _check(fname, arg, position, value, kind):
    if kind is None:
        return
    label, ok = _KINDS[kind]
    if not ok(value):
        where = f" (position {position})" if position is not None else ""
        raise TypeError(f"{fname}(): argument '{arg}'{where} must be {label}, not "
                        f"{type(value).__name__}")


def _parsed(**kinds):
    """Check the arguments' types first, as PyTorch's parser does: its message names the
    position of a positional argument only.  Unknown keywords and wrong counts fall to the
    wrapped function, whose signature is PyTorch's."""
    def wrap(fn):
        params = list(inspect.signature(fn).parameters)

        @functools.wraps(fn)
        def parsed(*args, **kwargs):
            for position, (arg, value) in enumerate(zip(params, args), 1):
                _check(fn.__name__, arg, position, value, kinds.get(arg))
            for arg, value in kwargs.items():
                _check(fn.__name__, arg, None, value, kinds.get(arg))
            return fn(*args, **kwargs)
        return parsed
    return wrap


# ---- dropout --------------------------------------------------------------------------------
def _dropout_p(p):
    # ATen's check runs whether or not train is set, and raises RuntimeError
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropping(input, p, train):
    """Whether a mask is drawn; an integer input cannot hold the scaled result."""
    _dropout_p(p)
    if train and p != 0 and input.numel() and not input.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_type_name(input)}")
    return train


def _type_name(t):
    from ._common import scalar_type_name
    return scalar_type_name(t.dtype)


_DROPOUT_KINDS = dict(input="Tensor", p="float", train="bool")


@_parsed(**_DROPOUT_KINDS)
def dropout(input, p, train):
    return F.dropout(input, float(p), _dropping(input, p, train))


@_parsed(**_DROPOUT_KINDS)
def dropout_(input, p, train):
    return F.dropout(input, float(p), _dropping(input, p, train), inplace=True)


@_parsed(**_DROPOUT_KINDS)
def feature_dropout(input, p, train):
    return F._feature_dropout(input, float(p), _dropping(input, p, train), False)


@_parsed(**_DROPOUT_KINDS)
def feature_dropout_(input, p, train):
    return F._feature_dropout(input, float(p), _dropping(input, p, train), True)


@_parsed(**_DROPOUT_KINDS)
def alpha_dropout(input, p, train):
    return F._alpha_dropout(input, float(p), _dropping(input, p, train), False, False)


@_parsed(**_DROPOUT_KINDS)
def alpha_dropout_(input, p, train):
    return F._alpha_dropout(input, float(p), _dropping(input, p, train), True, False)


@_parsed(**_DROPOUT_KINDS)
def feature_alpha_dropout(input, p, train):
    return F._alpha_dropout(input, float(p), _dropping(input, p, train), False, True)


@_parsed(**_DROPOUT_KINDS)
def feature_alpha_dropout_(input, p, train):
    return F._alpha_dropout(input, float(p), _dropping(input, p, train), True, True)


# ---- normalisation --------------------------------------------------------------------------
@_parsed(input="Tensor", normalized_shape="int[]", weight="Tensor?", bias="Tensor?",
         eps="float", cudnn_enable="bool")
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


@_parsed(input="Tensor", weight="Tensor?", bias="Tensor?", running_mean="Tensor?",
         running_var="Tensor?", training="bool", momentum="float", eps="float",
         cudnn_enabled="bool")
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


@_parsed(input="Tensor", num_groups="int", weight="Tensor?", bias="Tensor?", eps="float",
         cudnn_enabled="bool")
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return F.group_norm(input, int(num_groups), weight, bias, eps)


@_parsed(input="Tensor", weight="Tensor?", bias="Tensor?", running_mean="Tensor?",
         running_var="Tensor?", use_input_stats="bool", momentum="float", eps="float",
         cudnn_enabled="bool")
def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled):
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)


@_parsed(input="Tensor", normalized_shape="int[]", weight="Tensor?", eps="float?")
def rms_norm(input, normalized_shape, weight=None, eps=None):
    return F.rms_norm(input, normalized_shape, weight, eps)


# ---- embedding ------------------------------------------------------------------------------
@_parsed(weight="Tensor", indices="Tensor", padding_idx="int", scale_grad_by_freq="bool",
         sparse="bool")
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    # ATen's padding_idx is a plain row number: one outside the table (-1) matches no index
    padding_idx = int(padding_idx)
    pad = padding_idx if 0 <= padding_idx < weight.shape[0] else None
    return F.embedding(indices, weight, pad, scale_grad_by_freq=scale_grad_by_freq,
                       sparse=sparse)


# ---- activations ----------------------------------------------------------------------------
@_parsed(input="Tensor", alpha="Number")
def celu(input, alpha=1.0):
    return F.celu(input, alpha)


@_parsed(input="Tensor", alpha="Number")
def celu_(input, alpha=1.0):
    return F.celu_(input, alpha)


@_parsed(input="Tensor")
def selu(input):
    return F.selu(input)


@_parsed(input="Tensor")
def selu_(input):
    return F.selu_(input)


@_parsed(input="Tensor", threshold="Number", value="Number", out="Tensor?")
def threshold(input, threshold, value, *, out=None):
    if out is not None:
        return _with_out(_act.threshold, out, castable, input, threshold, value)
    return F.threshold(input, threshold, value)


@_parsed(input="Tensor", threshold="Number", value="Number")
def threshold_(input, threshold, value):
    return F.threshold_(input, threshold, value)


def _rrelu(input, lower, upper, training, generator, inplace):
    if generator is None or not training:
        return F.rrelu(input, lower, upper, training, inplace)
    # F.rrelu draws from the default generator; this draw is the same, from `generator`
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    F._require_float(input, "leaky_relu_cpu")
    slope = input.detach().new_empty(input.shape).uniform_(lower, upper, generator=generator)
    return _act._apply(_act._rrelu, input, inplace, slope)


_RRELU_KINDS = dict(input="Tensor", lower="Number", upper="Number", training="bool")


@_parsed(**_RRELU_KINDS)
def rrelu(input, lower=0.125, upper=0.3333333333333333, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator, False)


@_parsed(**_RRELU_KINDS)
def rrelu_(input, lower=0.125, upper=0.3333333333333333, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator, True)


# ---- distances ------------------------------------------------------------------------------
@_parsed(x1="Tensor", x2="Tensor", dim="int", eps="float")
def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    return F.cosine_similarity(x1, x2, int(dim), eps)


@_parsed(x1="Tensor", x2="Tensor", p="float", eps="float", keepdim="bool")
def pairwise_distance(x1, x2, p=2, eps=1e-06, keepdim=False):
    return F.pairwise_distance(x1, x2, p, eps, keepdim)


@composite("PdistBackward0")
def _pdist(input, p):
    from .more_shapes import triu_indices
    n = input.shape[0]
    i, j = triu_indices(n, n, 1, device=input.device)
    return (input[i] - input[j]).norm(p, dim=1)


@_parsed(input="Tensor", p="float")
def pdist(input, p=2):
    """The p-norm distances of each pair of rows i < j, in row-major order."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.is_contiguous():
        raise RuntimeError("pdist only supports contiguous input")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return _pdist(input, float(p))


# ---- losses (reduction: 0 none, 1 mean, 2 sum) ----------------------------------------------
# PyTorch documents reduction=1 (mean) as the default, but its parser reads the default as
# 0: torch.kl_div(x, y) is unreduced.  These follow what PyTorch does.
def _reduction(reduction):
    return {1: "mean", 2: "sum"}.get(int(reduction), "none")


@_parsed(input="Tensor", target="Tensor", reduction="int", log_target="bool")
def kl_div(input, target, reduction=0, *, log_target=False):
    # F.kl_div warns about 'mean' (it means batchmean there); ATen's mean is plain
    loss = F.kl_div(input, target, reduction="none" if reduction == 1 else _reduction(reduction),
                    log_target=log_target)
    return loss.mean() if reduction == 1 else loss


@_parsed(input="Tensor", target="Tensor", weight="Tensor?", pos_weight="Tensor?",
         reduction="int")
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=_reduction(
        reduction), pos_weight=pos_weight)


@_parsed(input1="Tensor", input2="Tensor", target="Tensor", margin="float", reduction="int")
def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction(reduction))


@_parsed(input="Tensor", target="Tensor", margin="float", reduction="int")
def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


@_parsed(input1="Tensor", input2="Tensor", target="Tensor", margin="float", reduction="int")
def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    return F.margin_ranking_loss(input1, input2, target, margin,
                                 reduction=_reduction(reduction))


@_parsed(anchor="Tensor", positive="Tensor", negative="Tensor", margin="float", p="float",
         eps="float", swap="bool", reduction="int")
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                        reduction=0):
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction(reduction))


@_parsed(input="Tensor", target="Tensor", log_input="bool", full="bool", eps="float",
         reduction="int")
def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction(reduction))


# ---- padding and convolution ----------------------------------------------------------------
@_parsed(input="Tensor", pad="int[]", value="Number")
def constant_pad_nd(input, pad, value=0):
    return F.pad(input, list(pad), "constant", value)


_CONV_KINDS = dict(input="Tensor", weight="Tensor", bias="Tensor?", stride="int[1]",
                   padding="int[1]", output_padding="int[1]", groups="int", dilation="int[1]")


@_parsed(**_CONV_KINDS)
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return F.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


@_parsed(**_CONV_KINDS)
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


# weight's rank -> (forward, transposed) of nn.functional; no conv_transpose3d yet
_CONVS = {3: (F.conv1d, F.conv_transpose1d), 4: (F.conv2d, F.conv_transpose2d),
          5: (F.conv3d, None)}


@_parsed(input="Tensor", weight="Tensor", bias="Tensor?", stride="int[]", padding="int[]",
         dilation="int[]", transposed="bool", output_padding="int[]", groups="int")
def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    forward, backward = _CONVS.get(weight.ndim, (None, None))
    if forward is None:
        raise RuntimeError(f"Expected {weight.ndim - 1}D (unbatched) or {weight.ndim}D "
                           f"(batched) input to conv, but got input of size: "
                           f"{list(input.shape)}")
    if not transposed:
        return forward(input, weight, bias, tuple(stride), tuple(padding), tuple(dilation),
                       int(groups))
    if backward is None:
        raise NotImplementedError("convolution: transposed 3-D convolution is not supported")
    return backward(input, weight, bias, tuple(stride), tuple(padding), tuple(output_padding),
                    int(groups), tuple(dilation))


# ---- recurrent cells ------------------------------------------------------------------------
_CELL_KINDS = dict(input="Tensor", hx="Tensor", w_ih="Tensor", w_hh="Tensor", b_ih="Tensor?",
                   b_hh="Tensor?")


def _cell(step, input, state, w_ih, w_hh, b_ih, b_hh):
    """One step of nn's recurrent cells on explicit weights."""
    w = _rnn._Weights(w_ih, w_hh, b_ih, b_hh, None)
    return step(F.linear(input, w_ih, b_ih), state, w)


@_parsed(**_CELL_KINDS)
def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell(_rnn._tanh_step, input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


@_parsed(**_CELL_KINDS)
def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell(_rnn._relu_step, input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


@_parsed(**_CELL_KINDS)
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell(_rnn._gru_step, input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


@_parsed(**dict(_CELL_KINDS, hx="Tensor[]"))
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    if len(hx) != 2:
        raise RuntimeError(f"lstm_cell expects two hidden states but got {len(hx)}")
    return _cell(_rnn._lstm_step, input, tuple(hx), w_ih, w_hh, b_ih, b_hh)


FUNCTIONS = {
    "dropout": dropout, "dropout_": dropout_, "feature_dropout": feature_dropout,
    "feature_dropout_": feature_dropout_, "alpha_dropout": alpha_dropout,
    "alpha_dropout_": alpha_dropout_, "feature_alpha_dropout": feature_alpha_dropout,
    "feature_alpha_dropout_": feature_alpha_dropout_, "layer_norm": layer_norm,
    "batch_norm": batch_norm,
    "group_norm": group_norm, "instance_norm": instance_norm, "rms_norm": rms_norm,
    "embedding": embedding, "celu": celu, "celu_": celu_, "selu": selu, "selu_": selu_,
    "threshold": threshold, "threshold_": threshold_, "rrelu": rrelu, "rrelu_": rrelu_,
    "cosine_similarity": cosine_similarity, "pairwise_distance": pairwise_distance,
    "pdist": pdist, "kl_div": kl_div,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cosine_embedding_loss": cosine_embedding_loss,
    "hinge_embedding_loss": hinge_embedding_loss, "margin_ranking_loss": margin_ranking_loss,
    "triplet_margin_loss": triplet_margin_loss, "poisson_nll_loss": poisson_nll_loss,
    "constant_pad_nd": constant_pad_nd, "conv_transpose1d": conv_transpose1d,
    "conv_transpose2d": conv_transpose2d, "convolution": convolution,
    "rnn_tanh_cell": rnn_tanh_cell, "rnn_relu_cell": rnn_relu_cell, "gru_cell": gru_cell,
    "lstm_cell": lstm_cell,
}

# PyTorch has none of these as Tensor methods
METHODS = {}

# one line each for help(torch.<name>): what the nn.functional op they run does
_DOCS = {
    "dropout": "Zeroes elements with probability p and scales the rest by 1/(1-p) when train.",
    "dropout_": "In-place dropout.",
    "feature_dropout": "Zeroes whole channels with probability p when train (Dropout2d/3d).",
    "feature_dropout_": "In-place feature_dropout.",
    "alpha_dropout": "Alpha dropout (SELU's saturation value, then rescaling) when train.",
    "alpha_dropout_": "In-place alpha_dropout.",
    "feature_alpha_dropout": "Alpha dropout of whole channels when train.",
    "feature_alpha_dropout_": "In-place feature_alpha_dropout.",
    "layer_norm": "Normalizes over the trailing normalized_shape dims, then scales and shifts.",
    "batch_norm": "Normalizes each channel with batch or running statistics (nn.BatchNorm).",
    "group_norm": "Normalizes each group of channels per sample, then scales and shifts.",
    "instance_norm": "Normalizes each channel of each sample (nn.InstanceNorm).",
    "rms_norm": "Divides by the root mean square over normalized_shape, then scales.",
    "embedding": "Rows of weight picked by indices (an embedding lookup).",
    "celu": "max(0, x) + min(0, alpha * (exp(x / alpha) - 1)), element-wise.",
    "celu_": "In-place celu.",
    "selu": "scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), element-wise.",
    "selu_": "In-place selu.",
    "threshold": "x where x > threshold, value elsewhere.",
    "threshold_": "In-place threshold.",
    "rrelu": "Leaky ReLU with random slopes in [lower, upper] when training, their mean else.",
    "rrelu_": "In-place rrelu.",
    "cosine_similarity": "Cosine of the angle between x1 and x2 along dim.",
    "pairwise_distance": "p-norm distance between the rows of x1 and x2.",
    "pdist": "p-norm distances between every pair of rows of input (upper triangle).",
    "kl_div": "Kullback-Leibler divergence of target from input (log-probabilities).",
    "binary_cross_entropy_with_logits": "Binary cross-entropy of sigmoid(input) and target.",
    "cosine_embedding_loss": "Loss pulling pairs together (target 1) or apart (target -1).",
    "hinge_embedding_loss": "Hinge loss of distances with targets 1 or -1.",
    "margin_ranking_loss": "max(0, -target * (input1 - input2) + margin).",
    "triplet_margin_loss": "max(d(anchor, positive) - d(anchor, negative) + margin, 0).",
    "poisson_nll_loss": "Negative log-likelihood of target under a Poisson of rate input.",
    "constant_pad_nd": "Pads input's last dims with value (pad: before/after pairs, last dim first).",
    "conv_transpose1d": "1-D transposed convolution (the gradient of conv1d).",
    "conv_transpose2d": "2-D transposed convolution (the gradient of conv2d).",
    "convolution": "A convolution or transposed convolution of any rank numtensor has.",
    "rnn_tanh_cell": "One Elman RNN step with tanh: tanh(x W_ih^T + b_ih + h W_hh^T + b_hh).",
    "rnn_relu_cell": "One Elman RNN step with ReLU.",
    "gru_cell": "One GRU step: the next hidden state.",
    "lstm_cell": "One LSTM step: the next (h, c).",
}
for _name, _doc in _DOCS.items():
    FUNCTIONS[_name].__doc__ = _doc
