"""InstanceNorm1d/2d/3d, BatchNorm3d, RMSNorm, LocalResponseNorm, Bilinear (and their
functional forms and lazy variants) against torch with the same weights and inputs:
outputs, gradients, running statistics, eval mode, reprs, state_dict keys, errors."""
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, assert_close, copy_weights, raises_like, randn, torch

tnn, nnn = torch.nn, nt.nn
tF, nF = torch.nn.functional, nt.nn.functional
DTYPES = {"float32": (np.float32, 1e-5), "float64": (np.float64, 1e-10)}


def _lib_dtype(lib, np_dtype):
    return getattr(lib, np.dtype(np_dtype).name)


def _input(lib, a, layout):
    """a as a leaf of lib; "transposed" lays it out in reversed dim order (non-contiguous)."""
    if layout == "transposed":
        dims = tuple(range(a.ndim - 1, -1, -1))
        t = lib.tensor(np.ascontiguousarray(a.transpose(dims))).permute(*dims)
        assert not t.is_contiguous()
        return t.detach().requires_grad_(True)
    return lib.tensor(a).requires_grad_(True)


def _check_module(make, shapes, np_dtype, tol, steps=1, eval_after=False, layout="contiguous"):
    """Build make(nn) in both libraries (numtensor gets torch's weights), run `steps`
    training-mode forward/backward passes (and one eval pass if asked) and compare
    outputs, input and parameter gradients, state_dict values, keys and repr."""
    torch.manual_seed(0)
    m_t = make(tnn).to(_lib_dtype(torch, np_dtype))
    m_n = make(nnn).to(_lib_dtype(nt, np_dtype))
    assert list(m_n.state_dict()) == list(m_t.state_dict())
    copy_weights(m_n, m_t)
    modes = [True] * steps + ([False] if eval_after else [])
    for step, training in enumerate(modes):
        m_n.train(training)
        m_t.train(training)
        arrays = [randn(*s, seed=10 * step + i, dtype=np_dtype) * (step + 1) + step
                  for i, s in enumerate(shapes)]
        xs_n = [_input(nt, a, layout) for a in arrays]
        xs_t = [_input(torch, a, layout) for a in arrays]
        out_n, out_t = m_n(*xs_n), m_t(*xs_t)
        assert out_n.dtype == _lib_dtype(nt, np_dtype)
        assert_close(out_n, out_t, atol=tol, rtol=tol)
        g = randn(*out_t.shape, seed=99 + step, dtype=np_dtype)
        for p in list(m_n.parameters()) + list(m_t.parameters()):
            p.grad = None
        out_n.backward(nt.tensor(g))
        out_t.backward(torch.tensor(g))
        for x_n, x_t in zip(xs_n, xs_t):
            assert_close(x_n.grad, x_t.grad, atol=10 * tol, rtol=10 * tol)
        got = dict(m_n.named_parameters())
        for name, p in m_t.named_parameters():
            assert_close(got[name].grad, p.grad, atol=10 * tol, rtol=10 * tol, msg=name)
        for (name, got_v), want_v in zip(m_n.state_dict().items(), m_t.state_dict().values()):
            assert_close(got_v, want_v, atol=tol, rtol=tol, msg=name)
    assert repr(m_n) == repr(m_t)


MODULES = {
    "in1d": (lambda nn: nn.InstanceNorm1d(3), [(4, 3, 5)]),
    "in1d_affine_unbatched": (lambda nn: nn.InstanceNorm1d(3, affine=True), [(3, 6)]),
    "in1d_stats": (lambda nn: nn.InstanceNorm1d(3, momentum=0.3, affine=True,
                                                track_running_stats=True), [(4, 3, 5)]),
    "in2d": (lambda nn: nn.InstanceNorm2d(2, eps=1e-3), [(2, 2, 3, 4)]),
    "in2d_stats_nobias": (lambda nn: nn.InstanceNorm2d(4, affine=True, bias=False,
                                                       track_running_stats=True),
                          [(3, 4, 3, 3)]),
    "in2d_stats_unbatched": (lambda nn: nn.InstanceNorm2d(2, track_running_stats=True),
                             [(2, 3, 4)]),
    "in3d_stats": (lambda nn: nn.InstanceNorm3d(2, affine=True, track_running_stats=True),
                   [(2, 2, 3, 2, 2)]),
    "in3d_momentum_none": (lambda nn: nn.InstanceNorm3d(2, momentum=None,
                                                        track_running_stats=True),
                           [(2, 2, 2, 2, 3)]),
    "bn3d": (lambda nn: nn.BatchNorm3d(3), [(2, 3, 2, 3, 2)]),
    "bn3d_cumulative": (lambda nn: nn.BatchNorm3d(2, momentum=None, eps=1e-3),
                        [(3, 2, 2, 2, 2)]),
    "bn3d_no_stats": (lambda nn: nn.BatchNorm3d(2, affine=False, track_running_stats=False),
                      [(2, 2, 2, 2, 2)]),
    "rms": (lambda nn: nn.RMSNorm(5), [(3, 5)]),
    "rms_2d_eps": (lambda nn: nn.RMSNorm([3, 4], eps=1e-3), [(2, 3, 4)]),
    "rms_plain": (lambda nn: nn.RMSNorm(4, elementwise_affine=False), [(2, 3, 4)]),
    "lrn_3d": (lambda nn: nn.LocalResponseNorm(3), [(2, 5, 4)]),
    "lrn_4d": (lambda nn: nn.LocalResponseNorm(2, alpha=0.1, beta=0.5, k=2.0), [(2, 4, 3, 3)]),
    "lrn_5d": (lambda nn: nn.LocalResponseNorm(4, alpha=0.5), [(2, 5, 2, 2, 3)]),
    "bilinear": (lambda nn: nn.Bilinear(3, 4, 2), [(5, 3), (5, 4)]),
    "bilinear_nobias_batched": (lambda nn: nn.Bilinear(2, 3, 4, bias=False),
                                [(2, 3, 2), (2, 3, 3)]),
    "bilinear_unbatched": (lambda nn: nn.Bilinear(3, 2, 2), [(3,), (2,)]),
}


@pytest.mark.parametrize("dtype", sorted(DTYPES))
@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_torch(name, dtype):
    make, shapes = MODULES[name]
    np_dtype, tol = DTYPES[dtype]
    # three training steps move the running statistics; then one eval step uses them
    _check_module(make, shapes, np_dtype, tol, steps=3, eval_after=True)


@pytest.mark.parametrize("name", ["in2d_stats_nobias", "rms_2d_eps", "lrn_4d", "bilinear"])
def test_non_contiguous_input(name):
    make, shapes = MODULES[name]
    _check_module(make, shapes, np.float32, 1e-5, steps=1, eval_after=True, layout="transposed")


def test_default_initialisation_and_reprs():
    for make in (lambda nn: nn.Bilinear(4, 3, 5), lambda nn: nn.Bilinear(2, 6, 1, bias=False),
                 lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
                 lambda nn: nn.InstanceNorm3d(3), lambda nn: nn.BatchNorm3d(4),
                 lambda nn: nn.RMSNorm((2, 3)), lambda nn: nn.RMSNorm(2, eps=0.5),
                 lambda nn: nn.LocalResponseNorm(5, k=2)):
        torch.manual_seed(7)
        m_t = make(tnn)
        nt.manual_seed(7)
        m_n = make(nnn)
        assert repr(m_n) == repr(m_t)
        want = m_t.state_dict()
        assert list(m_n.state_dict()) == list(want)
        for name, value in m_n.state_dict().items():
            # the same seed gives the same random initialisation, bit for bit
            np.testing.assert_array_equal(arr(value), arr(want[name]), err_msg=name)
            assert value.dtype == getattr(nt, str(want[name].dtype)[6:])
        assert [n for n, _ in m_n.named_buffers()] == [n for n, _ in m_t.named_buffers()]


def test_instance_norm_eval_without_tracking_uses_input_stats():
    x = randn(2, 3, 4)
    m_n, m_t = nnn.InstanceNorm1d(3).eval(), tnn.InstanceNorm1d(3).eval()
    assert_close(m_n(nt.tensor(x)), m_t(torch.tensor(x)), atol=1e-5)
    assert m_n.running_mean is None and m_n.state_dict() == {}


@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_functional_forms(dtype):
    np_dtype, tol = DTYPES[dtype]
    x = randn(3, 4, 5, seed=1, dtype=np_dtype)
    w4, b4 = randn(4, seed=2, dtype=np_dtype), randn(4, seed=3, dtype=np_dtype)
    w5 = randn(5, seed=4, dtype=np_dtype)
    wb, bb = randn(2, 5, 5, seed=5, dtype=np_dtype), randn(2, seed=6, dtype=np_dtype)
    stats = [randn(4, seed=8, dtype=np_dtype), np.abs(randn(4, seed=9, dtype=np_dtype)) + 0.5]
    cases = [
        lambda F, T: F.instance_norm(T(x)),
        lambda F, T: F.instance_norm(T(x), weight=T(w4), bias=T(b4), eps=1e-3),
        lambda F, T: F.instance_norm(T(x), T(stats[0]), T(stats[1]), use_input_stats=False),
        lambda F, T: F.rms_norm(T(x), (5,)),
        lambda F, T: F.rms_norm(T(x), [4, 5], eps=1e-2),
        lambda F, T: F.rms_norm(T(x), (5,), T(w5), eps=0.25),
        lambda F, T: F.local_response_norm(T(x), 3),
        lambda F, T: F.local_response_norm(T(x), 2, alpha=1.0, beta=2.0, k=0.5),
        lambda F, T: F.bilinear(T(x), T(x), T(wb)),
        lambda F, T: F.bilinear(T(x), T(x), T(wb), T(bb)),
    ]
    for i, case in enumerate(cases):
        assert_close(case(nF, nt.tensor), case(tF, torch.tensor), atol=tol, rtol=tol, msg=str(i))


def test_instance_norm_updates_the_running_stats_in_place():
    x = randn(3, 2, 5)
    got, want = [nt.zeros(2), nt.ones(2)], [torch.zeros(2), torch.ones(2)]
    for _ in range(2):
        nF.instance_norm(nt.tensor(x), *got, momentum=0.4)
        tF.instance_norm(torch.tensor(x), *want, momentum=0.4)
    for g, w in zip(got, want):
        assert_close(g, w, atol=1e-6)


def test_rms_norm_default_eps_is_the_dtypes_epsilon():
    # values so small that eps dominates the mean square
    for dtype in ("float32", "float64"):
        a = np.full((2, 3), 1e-4, dtype=dtype)
        assert_close(nF.rms_norm(nt.tensor(a), (3,)), tF.rms_norm(torch.tensor(a), (3,)),
                     atol=0, rtol=1e-6)
        assert_close(nnn.RMSNorm(3).to(getattr(nt, dtype))(nt.tensor(a)),
                     tnn.RMSNorm(3).to(getattr(torch, dtype))(torch.tensor(a)), atol=0, rtol=1e-6)
    # half precision is computed in float32, with float32's epsilon, and rounded back
    h = np.array([[1e-3, 2e-3, -3e-3], [1.0, 2.0, 3.0]], dtype=np.float16)
    got, want = nF.rms_norm(nt.tensor(h), (3,)), tF.rms_norm(torch.tensor(h), (3,))
    assert got.dtype == nt.float16
    np.testing.assert_array_equal(arr(got), arr(want))


def test_rms_norm_keeps_the_input_dtype_with_another_weight_dtype():
    x = randn(2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns that it cannot use its fused kernel
        want = tF.rms_norm(torch.tensor(x), (3,), torch.ones(3, dtype=torch.float64) * 2)
    got = nF.rms_norm(nt.tensor(x), (3,), nt.ones(3, dtype=nt.float64) * 2)
    assert got.dtype == nt.float32 and want.dtype == torch.float32
    assert_close(got, want)


def test_grad_fn_names_match_torch():
    def names(lib, F):
        x = lib.tensor(randn(2, 3, 4)).requires_grad_(True)
        w = lib.tensor(randn(2, 4, 4)).requires_grad_(True)
        outs = [F.instance_norm(x), F.rms_norm(x, (4,)), F.local_response_norm(x, 2),
                F.bilinear(x, x, w), F.bilinear(x, x, w, lib.ones(2))]
        found = [type(o.grad_fn).__name__ for o in outs]
        inner = outs[3].grad_fn.next_functions[0][0]
        return found + [type(inner).__name__]
    assert names(nt, nF) == names(torch, tF)


def test_gradcheck():
    rng = np.random.default_rng(3)

    def leaf(*shape):
        return nt.tensor(rng.standard_normal(shape)).requires_grad_(True)

    x, w, b = leaf(2, 3, 4), leaf(3), leaf(3)
    assert nt.autograd.gradcheck(lambda x, w, b: nF.instance_norm(x, weight=w, bias=b),
                                 [x, w, b])
    assert nt.autograd.gradcheck(lambda x, w: nF.rms_norm(x, (3, 4), w, eps=1e-3),
                                 [x, leaf(3, 4)])
    assert nt.autograd.gradcheck(lambda x: nF.local_response_norm(x, 2, alpha=0.5), [x])
    assert nt.autograd.gradcheck(nF.bilinear, [leaf(2, 3), leaf(2, 2), leaf(2, 3, 2), leaf(2)])
    # running statistics (not differentiable) and eval mode
    m = nnn.InstanceNorm1d(3, affine=True, track_running_stats=True).double()
    m.weight.data.copy_(nt.tensor([0.5, 1.5, -1.0], dtype=nt.float64))
    assert nt.autograd.gradcheck(m, [x])
    m.eval()
    assert nt.autograd.gradcheck(m, [x])
    bn = nnn.BatchNorm3d(2).double()
    assert nt.autograd.gradcheck(bn, [leaf(2, 2, 1, 2, 2)])
    # second derivatives through the composed graphs (bilinear's TrilinearBackward0 node)
    assert nt.autograd.gradgradcheck(nF.bilinear, [leaf(2, 3), leaf(2, 2), leaf(2, 3, 2), leaf(2)])
    assert nt.autograd.gradgradcheck(lambda x, w: nF.instance_norm(x, weight=w), [x, w])
    assert nt.autograd.gradgradcheck(lambda x, w: nF.rms_norm(x, (4,), w), [x, leaf(4)])


def test_lazy_variants():
    # as in PyTorch, the lazy instance norms default to affine and tracking
    lazy = nnn.LazyInstanceNorm1d()
    assert lazy.affine and lazy.track_running_stats
    cases = [(lambda nn: nn.LazyInstanceNorm1d(), (2, 3, 4), "InstanceNorm1d"),
             (lambda nn: nn.LazyInstanceNorm2d(momentum=0.2), (2, 3, 2, 2), "InstanceNorm2d"),
             (lambda nn: nn.LazyInstanceNorm3d(affine=False), (2, 2, 2, 2, 2), "InstanceNorm3d"),
             (lambda nn: nn.LazyBatchNorm3d(), (2, 3, 2, 1, 2), "BatchNorm3d")]
    for make, shape, final in cases:
        m_n, m_t = make(nnn), make(tnn)
        assert repr(m_n) == repr(m_t)
        x = randn(*shape)
        assert_close(m_n(nt.tensor(x)), m_t(torch.tensor(x)), atol=1e-5)
        assert type(m_n) is getattr(nnn, final) and type(m_t) is getattr(tnn, final)
        assert repr(m_n) == repr(m_t)
        for (name, got), want in zip(m_n.state_dict().items(), m_t.state_dict().values()):
            assert_close(got, want, atol=1e-6, msg=name)
        assert list(m_n.state_dict()) == list(m_t.state_dict())


def test_module_errors():
    def both(make, *shapes):
        return (lambda: make(nnn)(*[nt.ones(*s) for s in shapes]),
                lambda: make(tnn)(*[torch.ones(*s) for s in shapes]))

    checks = [
        # wrong rank
        (lambda nn: nn.InstanceNorm1d(3), (2, 3, 4, 5)),
        (lambda nn: nn.InstanceNorm1d(3), (3,)),
        (lambda nn: nn.InstanceNorm2d(3), (3, 4)),
        (lambda nn: nn.InstanceNorm3d(3), (2, 3, 4, 5, 6, 7)),
        (lambda nn: nn.BatchNorm3d(3), (2, 3, 4, 5)),
        (lambda nn: nn.LazyInstanceNorm2d(), (2, 3, 4, 5, 6)),
        (lambda nn: nn.LazyBatchNorm3d(), (2, 3, 4, 5)),
        (lambda nn: nn.LocalResponseNorm(2), (3, 4)),
        # wrong feature count
        (lambda nn: nn.InstanceNorm1d(3, affine=True), (2, 4, 5)),
        (lambda nn: nn.InstanceNorm2d(3, affine=True), (4, 2, 2)),
        (lambda nn: nn.BatchNorm3d(3), (2, 4, 2, 2, 2)),
        (lambda nn: nn.RMSNorm(3), (2, 4)),
        (lambda nn: nn.RMSNorm((2, 3)), (3, 3)),
        # one spatial element, training
        (lambda nn: nn.InstanceNorm2d(3), (2, 3, 1, 1)),
        (lambda nn: nn.BatchNorm3d(3), (1, 3, 1, 1, 1)),
    ]
    for make, shape in checks:
        raises_like(*both(make, shape))
    raises_like(*both(lambda nn: nn.Bilinear(2, 3, 4), (5, 3), (5, 3)))
    raises_like(*both(lambda nn: nn.Bilinear(2, 3, 4), (5, 2), (4, 3)))
    raises_like(*both(lambda nn: nn.Bilinear(2, 3, 4), (5, 2), (5, 1, 3)))


def test_non_affine_feature_mismatch_warns():
    for lib in (nt, torch):
        with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
            out = lib.nn.InstanceNorm1d(3)(lib.ones(2, 4, 5))
        assert tuple(out.shape) == (2, 4, 5)


def test_unknown_keywords_are_type_errors():
    same_message = [
        lambda nn: nn.InstanceNorm1d(3, foo=1), lambda nn: nn.InstanceNorm3d(3, bogus=True),
        lambda nn: nn.LazyInstanceNorm2d(foo=1), lambda nn: nn.RMSNorm(3, bias=True),
        lambda nn: nn.LocalResponseNorm(2, device=None), lambda nn: nn.Bilinear(1, 2, 3, foo=1),
        lambda nn: nn.LazyBatchNorm3d(foo=1),
    ]
    for make in same_message:
        raises_like(lambda: make(nnn), lambda: make(tnn))
    with pytest.raises(TypeError):  # torch's message names _BatchNorm.__init__
        nnn.BatchNorm3d(3, foo=1)
    x_n, x_t = nt.ones(2, 3, 4), torch.ones(2, 3, 4)
    for call in (lambda F, x: F.instance_norm(x, foo=1), lambda F, x: F.rms_norm(x, (4,), foo=1),
                 lambda F, x: F.local_response_norm(x, 2, foo=1)):
        raises_like(lambda: call(nF, x_n), lambda: call(tF, x_t))
    with pytest.raises(TypeError):
        nF.bilinear(x_n, x_n, nt.ones(2, 4, 4), foo=1)


def test_functional_errors():
    def both(call, *arrays, dtypes=None):
        dtypes = dtypes or ["float32"] * len(arrays)
        return (lambda: call(nF, *[None if a is None else nt.tensor(a, dtype=getattr(nt, d))
                                   for a, d in zip(arrays, dtypes)]),
                lambda: call(tF, *[None if a is None else torch.tensor(a, dtype=getattr(torch, d))
                                   for a, d in zip(arrays, dtypes)]))

    x = randn(2, 3, 4)
    # instance_norm
    raises_like(*both(lambda F, x: F.instance_norm(x), randn(2, 3, 1)))
    raises_like(*both(lambda F, x: F.instance_norm(x), randn(3)))
    raises_like(*both(lambda F, x: F.instance_norm(x, use_input_stats=False), x))
    raises_like(*both(lambda F, x, w: F.instance_norm(x, weight=w), x, randn(4)))
    raises_like(*both(lambda F, x, m, v: F.instance_norm(x, m, v), x, randn(4), randn(3)))
    raises_like(*both(lambda F, x: F.instance_norm(x), x, dtypes=["int64"]))
    # rms_norm
    raises_like(*both(lambda F, x: F.rms_norm(x, (3,)), x))
    raises_like(*both(lambda F, x: F.rms_norm(x, (3, 5)), x))
    raises_like(*both(lambda F, x: F.rms_norm(x, ()), x))
    raises_like(*both(lambda F, x: F.rms_norm(x, (2, 3, 4, 5)), x))
    raises_like(*both(lambda F, x: F.rms_norm(x, 4), x))
    raises_like(*both(lambda F, x, w: F.rms_norm(x, (4,), w), x, randn(3)))
    raises_like(*both(lambda F, x, w: F.rms_norm(x, (4,), w), x, randn(1, 4)))
    raises_like(*both(lambda F, x: F.rms_norm(x, (4,)), x, dtypes=["int64"]))
    # local_response_norm
    raises_like(*both(lambda F, x: F.local_response_norm(x, 2), randn(3, 4)))
    # bilinear
    w = randn(2, 4, 4)
    raises_like(*both(lambda F, a, b, w: F.bilinear(a, b, w), x, x[0], w))
    raises_like(*both(lambda F, a, b, w: F.bilinear(a, b, w), x, x[:, :2], w))
    raises_like(*both(lambda F, a, b, w: F.bilinear(a, b, w), x, x[..., :2], w))
    raises_like(*both(lambda F, a, b, w: F.bilinear(a, b, w), x[..., :3], x, w))
    raises_like(*both(lambda F, a, b, w, c: F.bilinear(a, b, w, c), x, x, w, randn(3)))
    raises_like(*both(lambda F, a, b, w, c: F.bilinear(a, b, w, c), x, x, w, np.ones(())))
    raises_like(*both(lambda F, a, b, w: F.bilinear(a, b, w), x, x, w[0]))
    raises_like(*both(lambda F, a, b, w: F.bilinear(a, b, w), x, x, w,
                      dtypes=["float64", "float32", "float32"]))
    raises_like(*both(lambda F, a, b, w, c: F.bilinear(a, b, w, c), x, x, w, randn(2),
                      dtypes=["float32", "float32", "float32", "float64"]))
    raises_like(*both(lambda F, a, b, w: F.bilinear(a, b, w), x, x, w,
                      dtypes=["int64", "float32", "float32"]))


def test_old_checkpoint_running_stats_are_refused():
    sd = {"running_mean": np.zeros(3, dtype=np.float32), "running_var": np.ones(3, np.float32)}
    raises_like(lambda: nnn.InstanceNorm1d(3).load_state_dict(
                    {k: nt.tensor(v) for k, v in sd.items()}),
                lambda: tnn.InstanceNorm1d(3).load_state_dict(
                    {k: torch.tensor(v) for k, v in sd.items()}))
    # a tracking layer loads them; a versioned state_dict from a tracking layer too
    m = nnn.InstanceNorm1d(3, track_running_stats=True)
    m.load_state_dict({"running_mean": nt.ones(3), "running_var": nt.ones(3) * 2})
    assert arr(m.running_var).tolist() == [2.0, 2.0, 2.0]
    assert int(m.num_batches_tracked) == 0
