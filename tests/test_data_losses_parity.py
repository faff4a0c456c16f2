"""Differential tests: the same code on numtensor and on torch, with the same outcome
(values and dtypes, or exception type and message, and the warnings raised).

Covers SubsetRandomSampler's draws, default_collate / default_convert of strings, bytes
and other non-tensor elements, the losses' dtype checks, Tensor.pin_memory and
DataLoader(pin_memory=True) without an accelerator, and nn.utils.clip_grad_norm."""
import collections
import re
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import torch

LIBS = (nt, torch)


def _plain(lib, value):
    """value with tensors as (dtype, values rounded to 4 places), containers kept by type."""
    if isinstance(value, lib.Tensor):
        values = value.detach().numpy()
        if values.dtype.kind in "fc":
            values = np.round(values.astype(np.float64), 4)
        return ("tensor", str(value.dtype).split(".")[-1], values.tolist())
    if isinstance(value, collections.abc.Mapping):
        return (type(value).__name__, {k: _plain(lib, v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_plain(lib, v) for v in value])
    return (type(value).__name__, repr(value))


def _warning(w):
    # torch's C++ warnings end with where they were raised in its build
    return w.category.__name__, re.sub(r" \(Triggered internally at .*\)$", "", str(w.message))


def outcome(lib, fn):
    """What fn(lib) gives: its plain result or its exception, and its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", _plain(lib, fn(lib)))
        except Exception as e:  # the exception is the outcome compared
            result = ("raise", type(e).__name__, str(e))
    return result, [_warning(w) for w in caught]


def same_outcome(fn):
    got, want = (outcome(lib, fn) for lib in LIBS)
    assert got == want
    return want


# ---- samplers --------------------------------------------------------------------------
SAMPLER_CASES = {
    # PyTorch draws the permutation from the default generator itself
    "subset": lambda L: L.utils.data.SubsetRandomSampler([1, 3, 5, 7]),
    "subset_tensor": lambda L: [int(i) for i in
                                L.utils.data.SubsetRandomSampler(L.tensor([1, 3, 5, 7]))],
    "subset_in_loader": lambda L: L.utils.data.DataLoader(
        L.arange(7), batch_size=2, sampler=L.utils.data.SubsetRandomSampler([0, 2, 4, 6])),
    "subset_batches": lambda L: L.utils.data.BatchSampler(
        L.utils.data.SubsetRandomSampler([1, 3, 5, 7, 9]), 2, False),
}


@pytest.mark.parametrize("case", SAMPLER_CASES)
def test_sampler_draws_and_what_follows(case):
    def draw(L):
        L.manual_seed(0)
        return list(SAMPLER_CASES[case](L)), L.rand(2)
    same_outcome(draw)


def test_subset_random_sampler_matches_the_documented_draw():
    nt.manual_seed(0)
    assert list(nt.utils.data.SubsetRandomSampler([1, 3, 5, 7])) == [1, 3, 7, 5]
    assert nt.rand(2).tolist() == pytest.approx([0.1320, 0.3074], abs=1e-4)


@pytest.mark.parametrize("args", [(None,), ([1, 2],)])
def test_sampler_base_takes_no_data_source(args):
    # PyTorch 2.13 dropped Sampler's data_source argument
    same_outcome(lambda L: type(L.utils.data.Sampler(*args)).__name__)


# ---- default_collate / default_convert -------------------------------------------------
Point = collections.namedtuple("Point", "x y")


class Items(list):
    pass


COLLATE_CASES = {
    "loader_strings": lambda L: list(L.utils.data.DataLoader(list(zip(range(5), "abcde")),
                                                             batch_size=2))[0],
    "tuple_str_int": lambda L: L.utils.data.default_collate([("a", 1), ("b", 2)]),
    "tuple_bytes_int": lambda L: L.utils.data.default_collate([(b"a", 1), (b"b", 2)]),
    "tensor_str": lambda L: L.utils.data.default_collate([(L.tensor(1.0), "a"),
                                                          (L.tensor(2.0), "b")]),
    "namedtuple": lambda L: L.utils.data.default_collate([Point(1, "a"), Point(2, "b")]),
    "lists": lambda L: L.utils.data.default_collate([[1, "a"], [2, "b"]]),
    "list_subclass": lambda L: L.utils.data.default_collate([Items([1, "a"]),
                                                             Items([2, "b"])]),
    "numpy_str": lambda L: L.utils.data.default_collate([np.str_("a"), np.str_("b")]),
    "numpy_str_field": lambda L: L.utils.data.default_collate([(np.str_("a"),),
                                                               (np.str_("b"),)]),
    "numpy_bytes": lambda L: L.utils.data.default_collate([np.bytes_(b"a"), np.bytes_(b"b")]),
    "numpy_datetime": lambda L: L.utils.data.default_collate(
        [np.datetime64("2020-01-01"), np.datetime64("2020-01-02")]),
    "convert_numpy_str": lambda L: L.utils.data.default_convert(np.str_("a")),
    "convert_defaultdict": lambda L: L.utils.data.default_convert(
        collections.defaultdict(int, a=np.array([1]))),
}


@pytest.mark.parametrize("case", COLLATE_CASES)
def test_collate_of_non_tensor_elements(case):
    same_outcome(COLLATE_CASES[case])


def test_collate_of_strings_as_documented():
    batch = list(nt.utils.data.DataLoader(list(zip(range(5), "abcde")), batch_size=2))[0]
    assert batch[0].tolist() == [0, 1] and batch[1] == ("a", "b")
    strings, numbers = nt.utils.data.default_collate([("a", 1), ("b", 2)])
    assert strings == ("a", "b") and numbers.tolist() == [1, 2]


# ---- losses: dtype checks -----------------------------------------------------------------
DTYPES = {"f32": "float32", "f64": "float64", "i64": "int64", "i32": "int32", "bool": "bool"}


def _operand(L, kind, values):
    return L.tensor(values).to(getattr(L, DTYPES[kind]))


def _loss_case(name, input_kind, target_kind):
    def run(L):
        F = L.nn.functional
        x = _operand(L, input_kind, [0.2, 0.6, 0.9])
        y = _operand(L, target_kind, [0.0, 1.0, 1.0])
        return LOSSES[name](L, F, x, y)
    return run


LOSSES = {
    "BCEWithLogitsLoss": lambda L, F, x, y: L.nn.BCEWithLogitsLoss()(x, y),
    "BCELoss": lambda L, F, x, y: L.nn.BCELoss()(x, y),
    "MSELoss": lambda L, F, x, y: L.nn.MSELoss()(x, y),
    "bce": lambda L, F, x, y: F.binary_cross_entropy(x, y),
    "bce_weight": lambda L, F, x, y: F.binary_cross_entropy(x, y, weight=L.ones(3).double()),
    "bce_logits": lambda L, F, x, y: F.binary_cross_entropy_with_logits(x, y),
    "bce_logits_pos_weight": lambda L, F, x, y: F.binary_cross_entropy_with_logits(
        x, y, pos_weight=L.ones(3)),
    "bce_logits_weight": lambda L, F, x, y: F.binary_cross_entropy_with_logits(
        x, y, weight=L.ones(3).double()),
    "mse": lambda L, F, x, y: F.mse_loss(x, y),
    "smooth_l1": lambda L, F, x, y: F.smooth_l1_loss(x, y),
    "huber": lambda L, F, x, y: F.huber_loss(x, y),
    "huber_weight": lambda L, F, x, y: F.huber_loss(x, y, weight=L.ones(3)),
    "soft_margin": lambda L, F, x, y: F.soft_margin_loss(x, y),
    "kl_div": lambda L, F, x, y: F.kl_div(x, y),
    "kl_div_log_target": lambda L, F, x, y: F.kl_div(x, y, reduction="sum", log_target=True),
    "kl_div_batchmean": lambda L, F, x, y: F.kl_div(x, y, reduction="batchmean"),
    "poisson_full": lambda L, F, x, y: F.poisson_nll_loss(x, y, full=True),
    "hinge": lambda L, F, x, y: F.hinge_embedding_loss(x, y),
    "hinge_sum": lambda L, F, x, y: F.hinge_embedding_loss(x, y, margin=1.5, reduction="sum"),
    "margin_ranking": lambda L, F, x, y: F.margin_ranking_loss(x, x, y),
    "multilabel_soft_margin": lambda L, F, x, y: F.multilabel_soft_margin_loss(x[None],
                                                                               y[None]),
    "logsigmoid": lambda L, F, x, y: F.logsigmoid(x),
    "softplus": lambda L, F, x, y: F.softplus(x),
}

# (loss, input dtype, target dtype): each differed from PyTorch before
LOSS_CASES = [
    ("BCEWithLogitsLoss", "f32", "i64"), ("BCEWithLogitsLoss", "f32", "bool"),
    ("BCEWithLogitsLoss", "i64", "f32"), ("BCEWithLogitsLoss", "f64", "f32"),
    ("BCELoss", "f32", "i64"), ("BCELoss", "f32", "f64"), ("BCELoss", "i64", "i64"),
    ("MSELoss", "i64", "i64"), ("MSELoss", "f32", "bool"),
    ("bce", "f32", "i64"), ("bce", "f32", "bool"), ("bce", "f64", "f32"), ("bce", "i32", "f32"),
    ("bce", "bool", "bool"), ("bce_weight", "f32", "f32"),
    ("bce_logits", "f32", "i32"), ("bce_logits", "f32", "bool"), ("bce_logits", "i32", "i32"),
    ("bce_logits_pos_weight", "f32", "i64"), ("bce_logits_weight", "f32", "f32"),
    ("mse", "i32", "i32"), ("mse", "bool", "f32"), ("mse", "bool", "bool"),
    ("smooth_l1", "f32", "bool"), ("smooth_l1", "i64", "i64"), ("smooth_l1", "bool", "f32"),
    ("huber", "f32", "bool"), ("huber", "f32", "f64"), ("huber", "i64", "f32"),
    ("huber", "i32", "i32"), ("huber", "bool", "f32"), ("huber_weight", "f32", "f64"),
    ("soft_margin", "f32", "f64"), ("soft_margin", "i64", "f32"), ("soft_margin", "i64", "i64"),
    ("soft_margin", "bool", "f32"),
    ("kl_div", "f32", "i64"), ("kl_div", "f32", "bool"), ("kl_div", "i32", "f32"),
    ("kl_div_log_target", "f32", "i64"), ("kl_div_log_target", "bool", "bool"),
    ("kl_div_batchmean", "i64", "i64"),
    ("poisson_full", "f32", "bool"),
    ("hinge", "i64", "f32"), ("hinge", "bool", "f32"), ("hinge_sum", "i64", "i64"),
    ("margin_ranking", "i64", "i64"), ("margin_ranking", "bool", "bool"),
    ("multilabel_soft_margin", "i64", "f32"), ("multilabel_soft_margin", "bool", "bool"),
    ("logsigmoid", "i64", "f32"), ("softplus", "bool", "f32"),
]


@pytest.mark.parametrize("name, input_kind, target_kind", LOSS_CASES,
                         ids=["-".join(c) for c in LOSS_CASES])
def test_loss_dtype_rules(name, input_kind, target_kind):
    same_outcome(_loss_case(name, input_kind, target_kind))


def test_loss_dtype_messages_as_documented():
    x, y = nt.randn(3), nt.tensor([0, 1, 1])
    F = nt.nn.functional
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired "
                                           "output type Long$"):
        nt.nn.BCEWithLogitsLoss()(x, y)
    for bce in (F.binary_cross_entropy, nt.nn.BCELoss()):
        with pytest.raises(RuntimeError, match="^Found dtype Long but expected Float$"):
            bce(nt.sigmoid(x), y)
    with pytest.raises(RuntimeError, match=r"^kl_div: Integral inputs not supported\.$"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reduction='mean' warns first
            F.kl_div(x, y)


# ---- pinned memory ---------------------------------------------------------------------
def _accelerated():
    return nt.accelerator.is_available()


PIN_CASES = {
    "pin_memory": lambda L: L.arange(3).pin_memory(),
    "pin_memory_cpu": lambda L: L.arange(3).pin_memory("cpu"),
    "loader_made": lambda L: L.utils.data.DataLoader(L.arange(3), pin_memory=True).pin_memory,
    # each epoch's iterator warns, not the constructor
    "loader": lambda L: _two_epochs(L.utils.data.DataLoader(L.arange(3), batch_size=2,
                                                            pin_memory=True)),
    "loader_device": lambda L: list(L.utils.data.DataLoader(
        L.arange(3), batch_size=2, pin_memory=True, pin_memory_device="cuda")),
    "loader_workers": lambda L: _two_epochs(L.utils.data.DataLoader(
        L.arange(3), batch_size=2, pin_memory=True, num_workers=1)),
}


def _two_epochs(loader):
    return [list(loader) for _ in range(2)]


@pytest.mark.parametrize("case", PIN_CASES)
def test_pin_memory_without_accelerator(case):
    if not _accelerated():
        same_outcome(PIN_CASES[case])
    elif case == "pin_memory":  # numtensor pins nothing, but returns the copy PyTorch would
        assert nt.arange(3).pin_memory().tolist() == [0, 1, 2]


def test_pin_memory_message_as_documented():
    if _accelerated():
        return
    with pytest.raises(RuntimeError, match="^Cannot access accelerator device when none is "
                                           "available.$"):
        nt.zeros(2).pin_memory()


# ---- clip_grad_norm --------------------------------------------------------------------
def _with_grads(L):
    a = L.nn.Parameter(L.tensor([1.0, 2.0, 3.0]))
    a.grad = L.tensor([3.0, -4.0, 0.0])
    b = L.nn.Parameter(L.tensor([1.0], dtype=L.float64))
    b.grad = L.tensor([12.0], dtype=L.float64)
    return [a, b, L.nn.Parameter(L.tensor([1.0]))]


def _clipped(clip):
    def run(L):
        params = _with_grads(L)
        return clip(L, params), [p.grad for p in params if p.grad is not None]
    return run


CLIP_CASES = {
    "deprecated_alias": lambda L, ps: L.nn.utils.clip_grad_norm(ps, 1.0),
    "deprecated_alias_keywords": lambda L, ps: L.nn.utils.clip_grad_norm(
        parameters=ps, max_norm=1.0, norm_type=1, error_if_nonfinite=True, foreach=None),
    "empty_generator": lambda L, ps: L.nn.utils.clip_grad_norm_((p for p in []), 1.0),
    "get_total_norm": lambda L, ps: L.nn.utils.get_total_norm(
        [p.grad for p in ps if p.grad is not None], norm_type=float("-inf")),
    "clip_grads_with_norm_": lambda L, ps: L.nn.utils.clip_grads_with_norm_(
        ps, 1.0, L.tensor(13.0)),
}


@pytest.mark.parametrize("case", CLIP_CASES)
def test_clip_grad_norm_family(case):
    same_outcome(_clipped(CLIP_CASES[case]))
