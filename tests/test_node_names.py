"""The autograd node of ops numtensor composes from other ops carries PyTorch's name,
its number of edges, and the gradient stays PyTorch's."""
import pytest
import torch

import numtensor


def _cases(lib):
    t = lib.tensor
    idx, mask = t([0, 2]), t([True, False, True])
    src2, src3 = t([7., 8.]), t([7., 8., 9.])
    return {
        "index_fill": lambda y: y.index_fill(0, idx, 5.),
        "index_fill_": lambda y: y.index_fill_(0, idx, 5.),
        "masked_scatter": lambda y: y.masked_scatter(mask, src3),
        "masked_scatter_src": lambda y: y.detach().masked_scatter(mask, y),
        "masked_scatter_": lambda y: y.masked_scatter_(mask, src3),
        "index_copy": lambda y: y.index_copy(0, idx, src2),
        "index_copy_src": lambda y: y.detach().index_copy(0, idx, y[:2]),
        "index_copy_": lambda y: y.index_copy_(0, idx, src2),
        "nan_to_num": lambda y: y.nan_to_num(),
        "nan_to_num_args": lambda y: y.nan_to_num(1., 2., 3.),
        "nan_to_num_": lambda y: y.nan_to_num_(),
        "take": lambda y: y.take(idx),
        "take_2d": lambda y: y.reshape(3, 1).take(idx),
        "cdist": lambda y: lib.cdist(y.reshape(3, 1), y.reshape(3, 1) + 1),
        "cdist_p1": lambda y: lib.cdist(y.reshape(3, 1), (y.reshape(3, 1) + 1).detach(), p=1),
        "kron": lambda y: lib.kron(y, y),
        "kron_2d": lambda y: lib.kron(y.reshape(3, 1), y.reshape(1, 3)),
        "mode": lambda y: y.mode()[0],
        "mode_dim": lambda y: y.reshape(3, 1).mode(0)[0],
        "logit": lambda y: (y / 5).logit(),
        "logit_eps": lambda y: (y / 5).logit(1e-3),
        "logit_": lambda y: (y / 5).logit_(),
        "hypot": lambda y: y.hypot(y),
        "hypot_other_const": lambda y: y.hypot(y.detach()),
        "hypot_": lambda y: y.hypot_(y * 1),
        "logaddexp": lambda y: y.logaddexp(y),
        "logaddexp_other_const": lambda y: y.logaddexp(y.detach() + 1),
        "logaddexp2": lambda y: y.logaddexp2(y),
        "put": lambda y: y.put(idx, src2),
        "put_": lambda y: y.put_(idx, src2),
        "masked_select": lambda y: y.masked_select(mask),
        "masked_select_broadcast": lambda y: y.reshape(3, 1).masked_select(mask),
        "clamp_min_": lambda y: y.clamp_min_(1.5),
        "clamp_max_": lambda y: y.clamp_max_(1.5),
        "exp2": lambda y: y.exp2(),
        "exp2_": lambda y: y.exp2_(),
        "deg2rad": lambda y: y.deg2rad(),
        "deg2rad_": lambda y: y.deg2rad_(),
        "rad2deg": lambda y: y.rad2deg(),
        "rad2deg_": lambda y: y.rad2deg_(),
        "sgn": lambda y: y.sgn(),
        "sgn_": lambda y: y.sgn_(),
        "round_decimals": lambda y: y.round(decimals=1),
        "round_decimals_": lambda y: y.round_(decimals=1),
        "cummax": lambda y: y.cummax(0)[0],
        "cummin": lambda y: y.cummin(0)[0],
        "median_dim": lambda y: y.median(0)[0],
        "median_dim_keepdim": lambda y: y.reshape(3, 1).median(0, keepdim=True)[0],
        "nanmedian_dim": lambda y: y.nanmedian(0)[0],
        "nansum": lambda y: y.nansum(),
        "nansum_dim": lambda y: y.reshape(3, 1).nansum(0),
        "logcumsumexp": lambda y: y.logcumsumexp(0),
        "renorm": lambda y: y.reshape(3, 1).renorm(2, 0, 1.),
        "renorm_": lambda y: (y.reshape(3, 1) * 1).renorm_(2, 0, 1.),
        "rot90": lambda y: y.reshape(3, 1).rot90(),
        "rot90_k2": lambda y: y.reshape(3, 1).rot90(2),
        "mvlgamma": lambda y: (y + 2).mvlgamma(2),
        "mvlgamma_": lambda y: (y + 2).mvlgamma_(2),
        "block_diag": lambda y: lib.block_diag(y, y.reshape(3, 1)),
        "block_diag_const": lambda y: lib.block_diag(t([[1., 2.]]), y, t(3.)),
        "select_scatter": lambda y: lib.select_scatter(y, y[0], 0, 1),
        "select_scatter_const": lambda y: lib.select_scatter(y, t(1.), 0, 1),
        "slice_scatter": lambda y: lib.slice_scatter(y, y[:2], 0, 0, 2),
        "slice_scatter_const": lambda y: lib.slice_scatter(y, t([1., 2.]), 0, 0, 2),
        "diagonal_scatter_const": lambda y: lib.diagonal_scatter(
            y.reshape(3, 1).expand(3, 3) * 1, t([1., 2., 3.])),
        "clamp_min_tensor": lambda y: y.clamp_min(y.flip(0)),
        "clamp_min_tensor_const": lambda y: y.clamp_min(t([1., 2., 3.])),
        "clamp_min_tensor_": lambda y: y.clamp_min_(y.flip(0)),
        "clamp_max_tensor": lambda y: y.clamp_max(y.flip(0)),
        "clamp_max_tensor_": lambda y: y.clamp_max_(y.flip(0)),
        # already right, checked
        "index_add": lambda y: y.index_add(0, idx, src2),
        "index_select": lambda y: y.index_select(0, idx),
        "masked_fill": lambda y: y.masked_fill(mask, 1.),
        "gather": lambda y: y.gather(0, idx),
        "scatter": lambda y: y.scatter(0, idx, src2),
        "scatter_add": lambda y: y.scatter_add(0, idx, src2),
        "cumsum": lambda y: y.cumsum(0),
        "cumprod": lambda y: y.cumprod(0),
        "sort": lambda y: y.sort()[0],
        "topk": lambda y: y.topk(2)[0],
        "kthvalue": lambda y: y.kthvalue(2)[0],
        "median": lambda y: y.median(),
        "amax": lambda y: y.amax(),
        "logsumexp": lambda y: y.logsumexp(0),
        "xlogy": lambda y: y.xlogy(y),
        "atan2": lambda y: y.atan2(y + 1),
        "sinc": lambda y: y.sinc(),
        "roll": lambda y: y.roll(1),
        "repeat": lambda y: y.repeat(2),
        "diag_embed": lambda y: y.diag_embed(),
    }


_TORCH, _NT = _cases(torch), _cases(numtensor)


def _run(lib, fn):
    x = lib.tensor([0.5, 1.0, 2.0], requires_grad=True)
    r = fn(x * 2)
    name = type(r.grad_fn).__name__
    edges = [None if f is None else type(f).__name__ for f, _ in r.grad_fn.next_functions]
    w = lib.arange(1, r.numel() + 1, dtype=r.dtype).reshape(r.shape)
    (r * w).sum().backward()
    return name, edges, (x.grad + 0).tolist()  # + 0: a zero gradient of PyTorch has no storage


@pytest.mark.parametrize("case", sorted(_TORCH))
def test_node_name_edges_and_gradient(case):
    name, edges, grad = _run(torch, _TORCH[case])
    nt_name, nt_edges, nt_grad = _run(numtensor, _NT[case])
    assert nt_name == name
    assert len(nt_edges) == len(edges)
    assert nt_edges == edges
    assert nt_grad == pytest.approx(grad, rel=1e-6, abs=1e-6)


def test_no_grad_path_builds_no_node():
    y = numtensor.tensor([0.5, 1.0, 2.0])
    assert y.index_fill(0, numtensor.tensor([1]), 5.).grad_fn is None
    assert y.hypot(y).grad_fn is None
    with numtensor.no_grad():
        x = numtensor.tensor([0.5, 1.0, 2.0], requires_grad=True)
        assert x.logit().grad_fn is None
        assert x.exp2().grad_fn is None and x.cummax(0)[0].grad_fn is None
        assert x.clamp_min(x).grad_fn is None
        assert numtensor.block_diag(x, x).grad_fn is None
