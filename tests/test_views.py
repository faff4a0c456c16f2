"""Random chains of view ops, run on numtensor and torch side by side (hypothesis).

After every step the two views must agree on shape, strides, storage offset and
values; at the end, a write through the view must change the same base elements.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import numtensor as nt

import torch  # noqa: E402  (required: CI fails without the oracle)


def _view_step(draw, shape, strides_contiguous):
    """One random view op that is valid for `shape`: (description, fn(lib, t))."""
    nd = len(shape)
    choices = ["unsqueeze"]
    if nd >= 1:
        choices += ["slice", "select", "narrow", "flatten", "reshape", "view_flat"]
    if nd >= 2:
        choices += ["transpose", "permute", "flatten_part"]
    if nd == 2:
        choices += ["t"]
    if any(s == 1 for s in shape):
        choices += ["squeeze", "expand", "squeeze_dim"]
    op = draw(st.sampled_from(choices))
    if op == "unsqueeze":
        d = draw(st.integers(-nd - 1, nd))
        return f"unsqueeze({d})", lambda lib, t: t.unsqueeze(d)
    if op == "slice":
        d = draw(st.integers(0, nd - 1))
        start = draw(st.integers(0, shape[d]))
        stop = draw(st.integers(start, shape[d]))
        step = draw(st.integers(1, 3))
        key = (slice(None),) * d + (slice(start, stop, step),)
        return f"[{key}]", lambda lib, t: t[key]
    if op == "select":
        d = draw(st.integers(0, nd - 1))
        if shape[d] == 0:
            return "noop", lambda lib, t: t
        i = draw(st.integers(-shape[d], shape[d] - 1))
        return f"select({d}, {i})", lambda lib, t: t.select(d, i)
    if op == "narrow":
        d = draw(st.integers(0, nd - 1))
        start = draw(st.integers(0, shape[d]))
        length = draw(st.integers(0, shape[d] - start))
        return f"narrow({d}, {start}, {length})", lambda lib, t: t.narrow(d, start, length)
    if op == "flatten":
        return "flatten()", lambda lib, t: t.flatten()
    if op == "flatten_part":
        s = draw(st.integers(0, nd - 1))
        e = draw(st.integers(s, nd - 1))
        return f"flatten({s}, {e})", lambda lib, t: t.flatten(s, e)
    if op == "reshape":
        return "reshape(-1, 1)", lambda lib, t: t.reshape(-1, 1)
    if op == "view_flat":
        # view only works on compatible strides: both libraries must agree (or both refuse)
        return "view(-1)", lambda lib, t: t.view(-1)
    if op == "transpose":
        a, b = draw(st.integers(-nd, nd - 1)), draw(st.integers(-nd, nd - 1))
        return f"transpose({a}, {b})", lambda lib, t: t.transpose(a, b)
    if op == "permute":
        perm = draw(st.permutations(list(range(nd))))
        return f"permute({perm})", lambda lib, t: t.permute(*perm)
    if op == "t":
        return "t()", lambda lib, t: t.t()
    if op == "squeeze":
        return "squeeze()", lambda lib, t: t.squeeze()
    if op == "squeeze_dim":
        d = draw(st.sampled_from([i for i, s in enumerate(shape) if s == 1]))
        return f"squeeze({d})", lambda lib, t: t.squeeze(d)
    # expand a size-1 dim
    d = draw(st.sampled_from([i for i, s in enumerate(shape) if s == 1]))
    n = draw(st.integers(0, 3))
    sizes = tuple(n if i == d else -1 for i in range(nd))
    return f"expand{sizes}", lambda lib, t: t.expand(*sizes)


@st.composite
def view_chains(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=4)))
    steps = []
    cur = shape
    probe = torch.zeros(shape)
    for _ in range(draw(st.integers(1, 5))):
        desc, fn = _view_step(draw, cur, True)
        try:
            probe = fn(torch, probe)
        except RuntimeError:
            steps.append((desc, fn, True))  # torch refuses: numtensor must too
            break
        steps.append((desc, fn, False))
        cur = tuple(probe.shape)
    return shape, steps


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(view_chains())
def test_random_view_chains(chain):
    shape, steps = chain
    n = int(np.prod(shape))
    base_t = torch.arange(n, dtype=torch.float32).reshape(shape)
    base_n = nt.arange(n, dtype=nt.float32).reshape(shape)
    vt, vn = base_t, base_n
    trace = []
    for desc, fn, refused in steps:
        trace.append(desc)
        if refused:
            with pytest.raises(RuntimeError):
                fn(nt, vn)
            return
        vt, vn = fn(torch, vt), fn(nt, vn)
        assert tuple(vn.shape) == tuple(vt.shape), trace
        assert vn.stride() == vt.stride(), trace
        assert vn.storage_offset() == vt.storage_offset(), trace
        assert vn.is_contiguous() == vt.is_contiguous(), trace
        np.testing.assert_array_equal(vn.numpy(), vt.numpy(), err_msg=str(trace))
    # the chain is a view of the base (reshape may have copied: both libraries alike)
    shares_t = vt.numel() == 0 or vt.untyped_storage().data_ptr() == base_t.untyped_storage().data_ptr()
    shares_n = vn.numel() == 0 or vn.untyped_storage().data_ptr() == base_n.untyped_storage().data_ptr()
    assert shares_n == shares_t, trace
    if 0 not in vt.stride() and vt.numel():
        vt.mul_(-1)
        vn.mul_(-1)
        np.testing.assert_array_equal(base_n.numpy(), base_t.numpy(), err_msg=str(trace))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_random_basic_indexing(shape, data):
    """Random keys of ints, slices, None and Ellipsis: same view; the same write."""
    key = []
    dims_left = len(shape)
    used_ellipsis = False
    d = 0
    while d < len(shape):
        kind = data.draw(st.sampled_from(["int", "slice", "none", "ellipsis", "stop"]))
        if kind == "stop":
            break
        if kind == "none":
            key.append(None)
        elif kind == "ellipsis" and not used_ellipsis:
            key.append(Ellipsis)
            used_ellipsis = True
            d = len(shape)  # the ellipsis takes the rest; later items index from the end
        elif kind == "int":
            key.append(data.draw(st.integers(-shape[d], shape[d] - 1)))
            d += 1
        else:
            start = data.draw(st.one_of(st.none(), st.integers(-5, 5)))
            stop = data.draw(st.one_of(st.none(), st.integers(-5, 5)))
            step = data.draw(st.one_of(st.none(), st.integers(1, 3)))
            key.append(slice(start, stop, step))
            d += 1
    key = tuple(key)
    n = int(np.prod(shape))
    t = torch.arange(n).reshape(shape)
    x = nt.arange(n).reshape(shape)
    vt, vx = t[key], x[key]
    assert tuple(vx.shape) == tuple(vt.shape) and vx.stride() == vt.stride(), key
    assert vx.storage_offset() == vt.storage_offset(), key
    np.testing.assert_array_equal(vx.numpy(), vt.numpy())
    t[key] = -1
    x[key] = -1
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    t[key] = torch.tensor(-2)
    x[key] = nt.tensor(-2)
    np.testing.assert_array_equal(x.numpy(), t.numpy())


LAYOUT_OPS = {
    "add_scalar": lambda lib, v: v + 1,
    "exp": lambda lib, v: v.exp(),
    "mul_self": lambda lib, v: v * v,
    "compare": lambda lib, v: v > 2,
    "clone": lambda lib, v: v.clone(),
    "contiguous": lambda lib, v: v.contiguous(),
    "double": lambda lib, v: v.double(),
    "zeros_like": lambda lib, v: lib.zeros_like(v),
    "sum0": lambda lib, v: v.sum(0),
}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(view_chains())
def test_output_layout_follows_torch(chain):
    """Results of element-wise ops, copies and conversions of a view get torch's strides.

    (Shapes with size-0 or size-1 dims are left out: there torch's choice of the unused
    strides depends on which internal path an op takes.)"""
    shape, steps = chain
    n = int(np.prod(shape))
    vt = torch.arange(n, dtype=torch.float32).reshape(shape)
    vn = nt.arange(n, dtype=nt.float32).reshape(shape)
    for desc, fn, refused in steps:
        if refused:
            return
        vt, vn = fn(torch, vt), fn(nt, vn)
    if vt.ndim == 0 or 0 in vt.shape or 1 in vt.shape:
        return
    for name, op in LAYOUT_OPS.items():
        assert op(nt, vn).stride() == op(torch, vt).stride(), (name, [d for d, _, _ in steps])


def test_output_layout_moves_past_a_broadcast_dim_as_torch():
    """TensorIterator's dim ordering: a comparison that a stride-0 (expanded) dim cannot
    decide neither swaps nor stops the insertion sort (found by the layout test above)."""
    def chain(lib):
        return lib.arange(4, dtype=lib.float32).reshape(1, 2, 2).expand(2, -1, -1).permute(2, 0, 1)
    for op in (lambda t: t + 2.0, lambda t: t * t, lambda t: t.clone(), lambda t: t.exp()):
        assert op(chain(nt)).stride() == op(chain(torch)).stride()
