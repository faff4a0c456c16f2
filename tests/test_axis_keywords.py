"""axis= for dim= and keepdims= for keepdim=, where PyTorch's argument parser takes them
(its ops bound from C++), and a TypeError where it does not, on both libraries alike."""
import numpy as np
import pytest

import numtensor as nt
import torch  # noqa: E402  (required: CI fails without the oracle)


def _x(lib):
    return lib.tensor(np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32))


def _i(lib):
    return lib.tensor(np.random.default_rng(6).integers(0, 4, (3, 4)))


ACCEPTED = {
    "all": lambda l, x: (x > 0).all(axis=1), "amax": lambda l, x: x.amax(axis=1, keepdims=True),
    "amin": lambda l, x: l.amin(x, axis=0), "aminmax": lambda l, x: tuple(x.aminmax(axis=1)),
    "any": lambda l, x: l.any(x > 0, axis=1), "argmax": lambda l, x: x.argmax(axis=1),
    "argmin": lambda l, x: l.argmin(x, axis=1, keepdims=True),
    "argsort": lambda l, x: x.argsort(axis=1), "chunk": lambda l, x: x.chunk(2, axis=1),
    "count_nonzero": lambda l, x: x.count_nonzero(axis=1),
    "cross": lambda l, x: l.cross(x[:, :3], x[:, 1:], axis=1),
    "cumprod": lambda l, x: x.cumprod(axis=1), "gather": lambda l, x: x.gather(axis=1, index=_i(l)),
    "index_add": lambda l, x: x.index_add(axis=0, index=l.tensor([2]), source=x[:1]),
    "index_add_": lambda l, x: x.clone().index_add_(axis=0, index=l.tensor([2]), source=x[:1]),
    "index_select": lambda l, x: l.index_select(x, axis=1, index=l.tensor([3, 0])),
    "kthvalue": lambda l, x: tuple(x.kthvalue(2, axis=1)),
    "log_softmax": lambda l, x: x.log_softmax(axis=1), "logsumexp": lambda l, x: x.logsumexp(axis=1),
    "max": lambda l, x: tuple(x.max(axis=1)), "min": lambda l, x: tuple(l.min(x, axis=0, keepdims=True)),
    "narrow": lambda l, x: x.narrow(axis=1, start=1, length=2), "prod": lambda l, x: x.prod(axis=1),
    "scatter": lambda l, x: x.scatter(axis=1, index=_i(l), src=x),
    "scatter_": lambda l, x: x.clone().scatter_(axis=1, index=_i(l), src=x),
    "scatter_add": lambda l, x: l.scatter_add(x, axis=1, index=_i(l), src=x),
    "select": lambda l, x: x.select(axis=1, index=2), "softmax": lambda l, x: l.softmax(x, axis=0),
    "sort": lambda l, x: tuple(x.sort(axis=1)), "squeeze": lambda l, x: x[None].squeeze(axis=0),
    "squeeze_": lambda l, x: x.clone()[None].squeeze_(axis=0),
    "stack": lambda l, x: l.stack([x, x], axis=1), "topk": lambda l, x: tuple(x.topk(2, axis=1)),
    "unbind": lambda l, x: x.unbind(axis=1), "unsqueeze": lambda l, x: l.unsqueeze(x, axis=1),
    "unsqueeze_": lambda l, x: x.clone().unsqueeze_(axis=0),
    "size": lambda l, x: x.size(axis=1), "stride": lambda l, x: x.stride(axis=0),
    "sum": lambda l, x: x.sum(axis=1, keepdims=True), "cat": lambda l, x: l.cat([x, x], axis=1),
}

REJECTED = {
    "norm": lambda l, x: x.norm(axis=1), "split": lambda l, x: x.split(2, axis=1),
    "unflatten": lambda l, x: x.unflatten(axis=1, sizes=(2, 2)),
    "unique": lambda l, x: x.unique(axis=1),
    "functional softmax": lambda l, x: l.nn.functional.softmax(x, axis=1),
    "dim and axis": lambda l, x: x.argmax(dim=1, axis=1),
    "dim twice": lambda l, x: l.max(x, 1, axis=1),
    "a typo": lambda l, x: x.argmax(axes=1),
}


def _plain(r):
    if isinstance(r, (tuple, list)):
        return [_plain(v) for v in r]
    if isinstance(r, (nt.Tensor, torch.Tensor)):
        return str(r.dtype), tuple(r.shape), r.numpy()
    return r


def _same(a, b):
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for u, v in zip(a, b):
            _same(u, v)
    elif isinstance(a, tuple) and len(a) == 3 and isinstance(a[2], np.ndarray):
        assert a[:2] == b[:2]
        np.testing.assert_allclose(a[2], b[2], rtol=1e-6, atol=1e-6)
    else:
        assert tuple(a) == tuple(b) if hasattr(a, "__len__") else a == b


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_aliases_where_pytorch_takes_them(name):
    case = ACCEPTED[name]
    _same(_plain(case(nt, _x(nt))), _plain(case(torch, _x(torch))))


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_type_error_where_pytorch_gives_one(name):
    case = REJECTED[name]
    with pytest.raises(TypeError):
        case(torch, _x(torch))
    with pytest.raises(TypeError):
        case(nt, _x(nt))
