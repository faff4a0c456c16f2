"""EmbeddingBag, alpha dropout and WeightedRandomSampler against torch: outputs, gradients,
reprs, errors, the same random draws under the same seed, and the text-classification
tutorial's model trained a few steps."""
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, assert_close, copy_weights, raises_like, randn, torch

tnn, nnn = torch.nn, nt.nn
TF, NF = torch.nn.functional, nt.nn.functional

IDX = [1, 2, 4, 5, 4, 3, 2, 9]


def _both(values, lib_dtype=None):
    return (nt.tensor(values, dtype=None if lib_dtype is None else getattr(nt, lib_dtype)),
            torch.tensor(values, dtype=None if lib_dtype is None else getattr(torch, lib_dtype)))


def _bag_pair(input, offsets, psw=None, **kw):
    """F.embedding_bag in both libraries on the same weight: output and weight gradient
    (and per_sample_weights' gradient) under an uneven upstream gradient."""
    w = randn(10, 3, seed=1)
    results = []
    for lib in (nt, torch):
        weight = lib.tensor(w, requires_grad=True)
        p = None if psw is None else lib.tensor(psw, requires_grad=True)
        off = None if offsets is None else lib.tensor(offsets, dtype=lib.int64)
        out = lib.nn.functional.embedding_bag(lib.tensor(input, dtype=lib.int64), weight, off,
                                              per_sample_weights=p, **kw)
        g = lib.tensor(np.arange(out.numel(), dtype=np.float32).reshape(tuple(out.shape)) - 2)
        out.backward(g)
        results.append((out, weight.grad, None if p is None else p.grad))
    return results


BAG_CASES = [
    (IDX, [0, 4], {}),
    (IDX, [0, 0, 3, 3, 8], {}),                       # empty bags, one at the end
    (IDX, [0, 2, 5], {"include_last_offset": True}),
    (IDX, [0, 2, 8], {"include_last_offset": True}),
    ([2, 2, 2, 2, 4, 3, 2, 9], [0, 4], {"padding_idx": 2}),  # a bag of padding only
    (IDX, [0, 3], {"padding_idx": -1}),
    ([[1, 2, 4], [5, 4, 3]], None, {}),
    ([], [0, 0], {}),
]


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_no_bags(mode):
    # forward only, no max: torch's backward of a bag-less call with indices, and its max
    # forward, crash the process
    w = randn(10, 3)
    got = NF.embedding_bag(nt.tensor(IDX), nt.tensor(w), nt.tensor([], dtype=nt.int64), mode=mode)
    want = TF.embedding_bag(torch.tensor(IDX), torch.tensor(w), torch.tensor([], dtype=torch.int64),
                            mode=mode)
    assert_close(got, want)
    got = NF.embedding_bag(nt.tensor(IDX), nt.tensor(w), nt.tensor([0]), mode=mode,
                           include_last_offset=True)
    assert tuple(got.shape) == (0, 3)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("input,offsets,kw", BAG_CASES)
def test_embedding_bag_matches_torch(mode, input, offsets, kw):
    (on, gn, _), (ot, gt, _) = _bag_pair(input, offsets, mode=mode, **kw)
    assert_close(on, ot, atol=1e-6)
    if not (kw.get("include_last_offset") and offsets[-1] < len(input)):
        # (torch's gradient of the indices past offsets[-1] reads uninitialised memory)
        assert_close(gn, gt, atol=1e-5)
    assert type(on.grad_fn).__name__ == type(ot.grad_fn).__name__ == "EmbeddingBagBackward0"


def test_embedding_bag_max_ties_go_to_the_first():
    w = np.array([[1.0, 2.0], [1.0, 0.0], [0.0, 2.0]], dtype=np.float32)
    grads = []
    for lib in (nt, torch):
        weight = lib.tensor(w, requires_grad=True)
        out = lib.nn.functional.embedding_bag(lib.tensor([[0, 1, 2]]), weight, mode="max")
        out.sum().backward()
        grads.append(weight.grad)
    assert_close(*grads)


def test_embedding_bag_per_sample_weights_and_int32():
    psw = randn(8, seed=3)
    (on, gn, pn), (ot, gt, pt) = _bag_pair(IDX, [0, 3], psw, mode="sum")
    assert_close(on, ot, atol=1e-6)
    assert_close(gn, gt, atol=1e-5)
    assert_close(pn, pt, atol=1e-5)
    w = randn(10, 3)
    got = NF.embedding_bag(nt.tensor(IDX, dtype=nt.int32), nt.tensor(w), nt.tensor([0, 5]))
    want = TF.embedding_bag(torch.tensor(IDX, dtype=torch.int32), torch.tensor(w),
                            torch.tensor([0, 5]))
    assert_close(got, want)


def test_embedding_bag_max_norm_renormalises_the_weight():
    w = randn(10, 3) * 3
    outs = []
    for lib in (nt, torch):
        weight = lib.tensor(w)
        out = lib.nn.functional.embedding_bag(lib.tensor(IDX), weight, lib.tensor([0, 4]),
                                              max_norm=1.5, mode="sum")
        outs.append((out, weight))
    assert_close(outs[0][0], outs[1][0], atol=1e-5)
    assert_close(outs[0][1], outs[1][1], atol=1e-6)


def test_embedding_bag_scale_grad_by_freq_unique_indices():
    (on, gn, _), (ot, gt, _) = _bag_pair([1, 2, 3, 7], [0, 2], mode="mean",
                                         scale_grad_by_freq=True)
    assert_close(on, ot)
    assert_close(gn, gt)


def _bag_errors(lib):
    F = lib.nn.functional
    w = lib.zeros(10, 3)
    i = lib.tensor(IDX)
    off = lib.tensor([0, 4])
    return {
        "offsets[0]": lambda: F.embedding_bag(i, w, lib.tensor([1, 4])),
        "offsets[-1]": lambda: F.embedding_bag(i, w, lib.tensor([0, 9])),
        "include_last_offset": lambda: F.embedding_bag(
            i, w, lib.tensor([], dtype=lib.int64), include_last_offset=True),
        "index high": lambda: F.embedding_bag(lib.tensor([1, 10]), w, lib.tensor([0])),
        "index negative": lambda: F.embedding_bag(lib.tensor([1, -1]), w, lib.tensor([0])),
        "float indices": lambda: F.embedding_bag(lib.tensor([1.0, 2.0]), w, lib.tensor([0])),
        "float offsets": lambda: F.embedding_bag(lib.tensor([1, 2]), w, lib.tensor([0.0])),
        "psw mean": lambda: F.embedding_bag(i, w, off, per_sample_weights=lib.ones(8)),
        "psw max": lambda: F.embedding_bag(i, w, off, mode="max",
                                           per_sample_weights=lib.ones(8)),
        "psw shape": lambda: F.embedding_bag(i, w, off, mode="sum",
                                             per_sample_weights=lib.ones(7)),
        "psw dtype": lambda: F.embedding_bag(i, w, off, mode="sum",
                                             per_sample_weights=lib.ones(8, dtype=lib.float64)),
        "2d offsets given": lambda: F.embedding_bag(i.view(2, 4), w, off),
        "1d no offsets": lambda: F.embedding_bag(i, w),
        "offsets 2d": lambda: F.embedding_bag(i, w, lib.tensor([[0, 4]])),
        "input 3d": lambda: F.embedding_bag(i.view(2, 2, 2), w),
        "weight 1d": lambda: F.embedding_bag(i, w[0], off),
        "weight long": lambda: F.embedding_bag(i, w.long(), off),
        "mode": lambda: F.embedding_bag(i, w, off, mode="min"),
        "max freq": lambda: F.embedding_bag(i, w, off, mode="max", scale_grad_by_freq=True),
        "max sparse": lambda: F.embedding_bag(i, w, off, mode="max", sparse=True),
        "padding_idx": lambda: F.embedding_bag(i, w, off, padding_idx=10),
        "padding_idx negative": lambda: F.embedding_bag(i, w, off, padding_idx=-11),
        "module padding_idx": lambda: lib.nn.EmbeddingBag(10, 3, padding_idx=10),
        "module padding_idx negative": lambda: lib.nn.EmbeddingBag(10, 3, padding_idx=-11),
        "module weight shape": lambda: lib.nn.EmbeddingBag(10, 3, _weight=lib.zeros(3, 3)),
        "module mode": lambda: lib.nn.EmbeddingBag(10, 3, mode="min")(i, off),
        "from_pretrained 1d": lambda: lib.nn.EmbeddingBag.from_pretrained(lib.zeros(3)),
        "unknown keyword": lambda: lib.nn.EmbeddingBag(10, 3, bogus=1),
    }


@pytest.mark.parametrize("case", list(_bag_errors(torch)))
def test_embedding_bag_errors(case):
    raises_like(_bag_errors(nt)[case], _bag_errors(torch)[case])


def test_embedding_bag_module_init_repr_and_from_pretrained():
    for kw in ({}, {"padding_idx": 2}, {"max_norm": 1.0, "norm_type": 1,
                                        "scale_grad_by_freq": True, "mode": "sum",
                                        "padding_idx": -3, "include_last_offset": True}):
        torch.manual_seed(7)
        m_t = tnn.EmbeddingBag(10, 4, **kw)
        nt.manual_seed(7)
        m_n = nnn.EmbeddingBag(10, 4, **kw)
        assert repr(m_n) == repr(m_t)
        np.testing.assert_array_equal(arr(m_n.weight), arr(m_t.weight))
        assert m_n.padding_idx == m_t.padding_idx
        assert m_n.include_last_offset == m_t.include_last_offset
    w = randn(5, 2)
    for freeze in (True, False):
        m_n = nnn.EmbeddingBag.from_pretrained(nt.tensor(w), freeze=freeze, mode="max")
        m_t = tnn.EmbeddingBag.from_pretrained(torch.tensor(w), freeze=freeze, mode="max")
        assert m_n.weight.requires_grad == m_t.weight.requires_grad
        assert repr(m_n) == repr(m_t)
        assert_close(m_n(nt.tensor([[0, 3], [4, 1]])), m_t(torch.tensor([[0, 3], [4, 1]])))
    m = nnn.EmbeddingBag(6, 2, dtype=nt.float64)
    assert m.weight.dtype == nt.float64
    assert m(nt.tensor([1, 2]), nt.tensor([0])).dtype == nt.float64


def test_embedding_bag_argument_order_warning():
    w = randn(10, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = NF.embedding_bag(nt.tensor(w), nt.tensor(IDX), nt.tensor([0, 4]))
    assert any("Argument order" in str(c.message) for c in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = TF.embedding_bag(torch.tensor(w), torch.tensor(IDX), torch.tensor([0, 4]))
    assert_close(got, want)


# ---- the text classification tutorial ------------------------------------------------------
def _text_model(lib, vocab, dim, classes):
    class TextClassificationModel(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = lib.nn.EmbeddingBag(vocab, dim, sparse=False)
            self.fc = lib.nn.Linear(dim, classes)

        def forward(self, text, offsets):
            return self.fc(self.embedding(text, offsets))
    return TextClassificationModel()


def test_text_classification_training_matches_torch():
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    m_t = _text_model(torch, 50, 8, 4)
    m_n = _text_model(nt, 50, 8, 4)
    copy_weights(m_n, m_t)
    opt_t = torch.optim.SGD(m_t.parameters(), lr=5.0)
    opt_n = nt.optim.SGD(m_n.parameters(), lr=5.0)
    for _ in range(4):
        lengths = rng.integers(1, 7, size=5)
        text = rng.integers(0, 50, size=int(lengths.sum()))
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        label = rng.integers(0, 4, size=5)
        losses = []
        for lib, model, opt in ((nt, m_n, opt_n), (torch, m_t, opt_t)):
            opt.zero_grad()
            out = model(lib.tensor(text), lib.tensor(offsets))
            loss = lib.nn.functional.cross_entropy(out, lib.tensor(label))
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            opt.step()
            losses.append(loss.item())
        assert abs(losses[0] - losses[1]) < 1e-5, losses
    for (name, p_n), p_t in zip(m_n.named_parameters(), m_t.parameters()):
        assert_close(p_n, p_t, atol=1e-5, msg=name)


# ---- alpha dropout -----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["alpha_dropout", "feature_alpha_dropout"])
@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 1.0])
def test_alpha_dropout_same_seed_same_output(name, p):
    x = randn(4, 5, 3, seed=2)
    res = []
    for lib in (nt, torch):
        lib.manual_seed(3)
        xs = lib.tensor(x, requires_grad=True)
        out = getattr(lib.nn.functional, name)(xs, p, True)
        (out * lib.tensor(x)).sum().backward()
        res.append((out, xs.grad, lib.rand(2)))
    np.testing.assert_array_equal(arr(res[0][0]), arr(res[1][0]))
    np.testing.assert_array_equal(arr(res[0][1]), arr(res[1][1]))
    np.testing.assert_array_equal(arr(res[0][2]), arr(res[1][2]))  # the streams stay in step


def test_alpha_dropout_eval_is_identity_and_defaults():
    x = nt.tensor(randn(3, 4))
    assert NF.alpha_dropout(x) is x  # training=False by default
    assert NF.feature_alpha_dropout(x, 0.3) is x
    for cls in ("AlphaDropout", "FeatureAlphaDropout"):
        m_n, m_t = getattr(nnn, cls)(0.25), getattr(tnn, cls)(0.25)
        assert repr(m_n) == repr(m_t)
        m_n.eval()
        assert m_n(x) is x


@pytest.mark.parametrize("cls", ["AlphaDropout", "FeatureAlphaDropout"])
def test_alpha_dropout_modules_in_a_selu_network(cls):
    x = randn(6, 4, seed=5)
    outs = []
    for lib in (torch, nt):
        lib.manual_seed(11)
        model = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.SELU(),
                                  getattr(lib.nn, cls)(0.3), lib.nn.Linear(8, 2))
        if lib is nt:
            copy_weights(model, outs[0][1])
            lib.manual_seed(11)
        else:
            lib.manual_seed(11)
        out = model(lib.tensor(x))
        out.sum().backward()
        outs.append((out, model))
    assert_close(outs[1][0], outs[0][0], atol=1e-5)
    assert_close(outs[1][1][0].weight.grad, outs[0][1][0].weight.grad, atol=1e-5)


def test_alpha_dropout_statistics():
    nt.manual_seed(0)
    y = NF.alpha_dropout(nt.randn(200000), 0.3, True)
    assert abs(y.mean().item()) < 0.01 and abs(y.std().item() - 1) < 0.01


def test_alpha_dropout_inplace_and_torch_level():
    x = randn(3, 4, 2, seed=4)
    for name in ("alpha_dropout", "alpha_dropout_", "feature_alpha_dropout",
                 "feature_alpha_dropout_"):
        res = []
        for lib in (nt, torch):
            lib.manual_seed(9)
            xs = lib.tensor(x)
            out = getattr(lib, name)(xs, 0.4, True)
            res.append((out, xs))
            assert (out is xs) == name.endswith("_")
        np.testing.assert_array_equal(arr(res[0][0]), arr(res[1][0]))
        np.testing.assert_array_equal(arr(res[0][1]), arr(res[1][1]))
        assert getattr(nt, name).__doc__
    lib_x = nt.tensor(x)
    assert nt.alpha_dropout(lib_x, 0.4, False) is lib_x
    for lib in (nt, torch):
        lib.manual_seed(1)
    out_n = NF.alpha_dropout(nt.tensor(x), 0.4, True, inplace=True)
    out_t = TF.alpha_dropout(torch.tensor(x), 0.4, True, inplace=True)
    np.testing.assert_array_equal(arr(out_n), arr(out_t))


def _dropout_errors(lib):
    x = lib.ones(3, 4)
    return {
        "F p": lambda: lib.nn.functional.alpha_dropout(x, 1.5),
        "F feature p": lambda: lib.nn.functional.feature_alpha_dropout(x, -0.1, True),
        "module p": lambda: lib.nn.AlphaDropout(2.0),
        "torch p": lambda: lib.alpha_dropout(x, 1.5, False),
        "torch train type": lambda: lib.alpha_dropout(x, 0.5, 1),
        "feature 1d": lambda: lib.nn.functional.feature_alpha_dropout(lib.ones(4), 0.5, True),
        "keyword": lambda: lib.nn.functional.alpha_dropout(x, 0.5, train=True),
    }


@pytest.mark.parametrize("case", list(_dropout_errors(torch)))
def test_alpha_dropout_errors(case):
    raises_like(_dropout_errors(nt)[case], _dropout_errors(torch)[case])


# ---- WeightedRandomSampler -----------------------------------------------------------------
WEIGHTS = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]


@pytest.mark.parametrize("replacement", [True, False])
def test_weighted_random_sampler_same_seed(replacement):
    got, want = [], []
    for lib, out in ((nt, got), (torch, want)):
        lib.manual_seed(5)
        s = lib.utils.data.WeightedRandomSampler(WEIGHTS, 5, replacement=replacement)
        assert len(s) == 5
        out.extend([list(s), list(s)])
        g = lib.Generator().manual_seed(3)
        out.append(list(lib.utils.data.WeightedRandomSampler(
            lib.tensor(WEIGHTS), 4, replacement, generator=g)))
    assert got == want
    s = nt.utils.data.WeightedRandomSampler(WEIGHTS, 3)
    assert s.weights.dtype == nt.float64 and s.replacement is True


def test_weighted_random_sampler_in_a_dataloader():
    batches = []
    for lib in (nt, torch):
        data = lib.utils.data.TensorDataset(lib.arange(6))
        lib.manual_seed(2)
        sampler = lib.utils.data.WeightedRandomSampler(WEIGHTS, 10)
        loader = lib.utils.data.DataLoader(data, batch_size=4, sampler=sampler)
        batches.append([b[0].tolist() for b in loader])
    assert batches[0] == batches[1]


def _sampler_errors(lib):
    W = lib.utils.data.WeightedRandomSampler
    return {
        "num_samples zero": lambda: W(WEIGHTS, 0),
        "num_samples float": lambda: W(WEIGHTS, 2.0),
        "num_samples bool": lambda: W(WEIGHTS, True),
        "replacement": lambda: W(WEIGHTS, 2, replacement=1),
        "weights 2d": lambda: W([[0.1, 0.2], [0.3, 0.4]], 2),
        "weights 0d": lambda: W(0.5, 2),
        "too many without replacement": lambda: list(W(WEIGHTS, 7, replacement=False)),
        "keyword": lambda: W(WEIGHTS, 2, seed=1),
    }


@pytest.mark.parametrize("case", list(_sampler_errors(torch)))
def test_weighted_random_sampler_errors(case):
    raises_like(_sampler_errors(nt)[case], _sampler_errors(torch)[case])
