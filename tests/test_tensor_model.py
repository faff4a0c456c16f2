"""The tensor model: storage, offset, strides, views sharing memory (lecture 1.6).

Every view is compared with torch on shape, strides, storage offset and values, and
checked to share the base tensor's storage (writing through it shows in the base).
"""
import warnings

import numpy as np
import pytest

import numtensor as nt
from core_helpers import check, check_raises, to_numpy

import torch  # noqa: E402  (required: CI fails without the oracle)

pytestmark = pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")


def geometry(t):
    return tuple(t.shape), t.stride(), t.storage_offset(), t.is_contiguous()


def check_view(fn, arr):
    """fn(lib, t) is a view in torch and numtensor: same geometry, values, shared memory."""
    arr = np.asarray(arr)
    t = torch.from_numpy(arr.copy())
    n = nt.from_numpy(arr.copy())
    vt, vn = fn(torch, t), fn(nt, n)
    assert geometry(vn) == geometry(vt)
    np.testing.assert_array_equal(to_numpy(vn), to_numpy(vt))
    if vn.numel():
        assert vn.data_ptr() - n.data_ptr() == vt.data_ptr() - t.data_ptr()
        # writing through the view changes the base
        vn.fill_(-7)
        vt.fill_(-7)
        np.testing.assert_array_equal(n.numpy(), t.numpy())
    return vn


A = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
M = np.arange(12, dtype=np.int64).reshape(3, 4)


# ---- storage ----------------------------------------------------------------------
def test_storage_is_flat_writable_and_shared():
    x = nt.arange(6).view(2, 3)
    s = x.storage()
    assert len(s) == 6 and s.size() == 6
    assert s.tolist() == [0, 1, 2, 3, 4, 5]
    assert s[4] == 4 and s[-1] == 5 and isinstance(s[0], int)
    s[4] = 40
    assert x[1, 1].item() == 40
    assert x.t().storage().tolist() == s.tolist()
    assert x.t().storage().data_ptr() == s.data_ptr()
    with pytest.raises(IndexError):
        s[6]


@pytest.mark.parametrize("make", [
    lambda lib: lib.arange(6.).view(2, 3),
    lambda lib: lib.tensor([1, -2, 300]),
    lambda lib: lib.tensor([True, False]),
    lambda lib: lib.tensor([1.5, 2.25], dtype=lib.float64),
    lambda lib: lib.tensor([0.001, 1e6]),
    lambda lib: lib.tensor([1, 2], dtype=lib.uint8),
    lambda lib: lib.empty(0),
    lambda lib: lib.empty(0, dtype=lib.int64),
    lambda lib: lib.tensor(3.5),
])
def test_storage_repr_matches_torch(make):
    assert repr(make(nt).storage()) == repr(make(torch).storage())
    assert str(make(nt).storage()) == str(make(torch).storage())


def test_storage_warns_like_torch():
    import numtensor._storage as st
    st._warned[0] = False
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        nt.zeros(2).storage()
    assert any("TypedStorage is deprecated" in str(x.message) for x in w)


def test_storage_offset_stride_element_size():
    for fn in [lambda lib: lib.arange(10.).view(2, 5)[1, 2:],
               lambda lib: lib.arange(10.).view(2, 5)[:, 1],
               lambda lib: lib.zeros(3, 4, dtype=lib.float64).t(),
               lambda lib: lib.zeros(2, 3, dtype=lib.int16)[1]]:
        a, b = fn(nt), fn(torch)
        assert a.storage_offset() == b.storage_offset()
        assert a.stride() == b.stride()
        assert a.element_size() == b.element_size()
        for d in range(-a.dim(), a.dim()):
            assert a.stride(d) == b.stride(d)
    with pytest.raises(IndexError):
        nt.zeros(2, 3).stride(2)
    for dt in ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
               "float64", "complex64", "complex128"):
        assert nt.zeros(1, dtype=getattr(nt, dt)).element_size() == \
            torch.zeros(1, dtype=getattr(torch, dt)).element_size()


def test_data_ptr_moves_with_offset():
    x = nt.arange(12.).view(3, 4)
    assert x[1].data_ptr() - x.data_ptr() == 4 * 4
    assert x[:, 2].data_ptr() - x.data_ptr() == 2 * 4
    assert x.t().data_ptr() == x.data_ptr()
    assert x.clone().data_ptr() != x.data_ptr()


# ---- contiguity -------------------------------------------------------------------
def test_is_contiguous_and_contiguous():
    x = nt.arange(12.).view(3, 4)
    assert x.is_contiguous()
    assert x.contiguous() is x
    y = x.t()
    assert not y.is_contiguous()
    c = y.contiguous()
    assert c.is_contiguous() and c is not y
    assert c.stride() == (3, 1)
    assert c.data_ptr() != x.data_ptr()
    np.testing.assert_array_equal(c.numpy(), x.numpy().T)
    for fn in [lambda lib: lib.zeros(3, 1, 4)[:, :, ::2],
               lambda lib: lib.zeros(3, 1, 4).permute(1, 0, 2),
               lambda lib: lib.zeros(1, 4).expand(3, 4),
               lambda lib: lib.zeros(2, 3)[:, :1],
               lambda lib: lib.zeros(4, 3)[1:3],
               lambda lib: lib.zeros(0, 3).t(),
               lambda lib: lib.tensor(2.)]:
        assert fn(nt).is_contiguous() == fn(torch).is_contiguous()
        assert fn(nt).contiguous().stride() == fn(torch).contiguous().stride()


def test_clone_copies():
    x = nt.arange(6.).view(2, 3)
    c = x.t().clone()
    assert c.stride() == torch.arange(6.).view(2, 3).t().clone().stride()
    c[0, 0] = 100
    assert x[0, 0].item() == 0
    np.testing.assert_array_equal(c.numpy(), [[100, 3], [1, 4], [2, 5]])


# ---- set_ (lecture 1.6) ----------------------------------------------------------
def test_set_lecture_example():
    def fn(lib):
        n = lib.linspace(1, 4, 4)
        return lib.tensor(0.).set_(n.storage(), 1, (3, 3), (0, 1))
    got, want = fn(nt), fn(torch)
    assert geometry(got) == geometry(want)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert repr(got) == repr(want)


def test_set_shares_storage_and_errors():
    n = nt.arange(6.)
    x = nt.zeros(1).set_(n.storage(), 2, (2, 2), (1, 2))
    np.testing.assert_array_equal(x.numpy(), [[2, 4], [3, 5]])
    x[0, 0] = -1
    assert n[2].item() == -1
    # the whole storage when no geometry is given
    assert nt.zeros(1).set_(n.storage()).shape == (6,)
    # dtype mismatch and out-of-bounds geometry raise like torch
    check_raises(lambda lib: lib.empty(0).set_(lib.arange(0, 20).storage(), 0, (2, 2), (1, 2)))
    check_raises(lambda lib: lib.zeros(1).set_(lib.zeros(4).storage(), 0, (2,), "a"))


# ---- view / reshape / flatten -----------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda lib, t: t.view(4, 6),
    lambda lib, t: t.view(-1),
    lambda lib, t: t.view(3, -1),
    lambda lib, t: t.view(2, 1, 12),
    lambda lib, t: t.view([4, 3, 2]),
    lambda lib, t: t.view(lib.Size([6, 4])),
    lambda lib, t: t[:, 1].view(2, 2, 2),
    lambda lib, t: t.permute(1, 0, 2).view(3, 2, 2, 2),
    lambda lib, t: t.reshape(6, 4),
    lambda lib, t: t.reshape(-1, 2),
    lambda lib, t: t[:, :, ::2].reshape(12),
    lambda lib, t: t.flatten(),
    lambda lib, t: t.flatten(1),
    lambda lib, t: t.flatten(0, 1),
    lambda lib, t: t.flatten(-2, -1),
    lambda lib, t: t.flatten(1, 1),
    lambda lib, t: lib.flatten(t, start_dim=1),
    lambda lib, t: t[0, 0, 0].view(1, 1),
    lambda lib, t: t[0, 0, 0].view(-1),
    lambda lib, t: t[0, 0, 0].flatten(),
])
def test_view_like_ops(fn):
    check_view(fn, A)


@pytest.mark.parametrize("fn,message", [
    (lambda lib: lib.zeros(3, 2).view(4, 2), "shape '[4, 2]' is invalid for input of size 6"),
    (lambda lib: lib.zeros(3, 2).view(-1, -1), "only one dimension can be inferred"),
    (lambda lib: lib.zeros(3, 2).view(4, -1), "shape '[4, -1]' is invalid for input of size 6"),
    (lambda lib: lib.zeros(3, 2).reshape(5), "shape '[5]' is invalid for input of size 6"),
    (lambda lib: lib.zeros(3, 2).t().view(6),
     "view size is not compatible with input tensor's size and stride (at least one dimension "
     "spans across two contiguous subspaces). Use .reshape(...) instead."),
    (lambda lib: lib.zeros(3, 2).view(-2, 3), "invalid shape dimension -2"),
    (lambda lib: lib.zeros(2, 3).flatten(1, 0), None),
])
def test_view_errors(fn, message):
    check_raises(lambda lib: fn(lib), match=message)


def test_view_wrong_argument_type():
    check_raises(lambda lib: lib.zeros(6).view("a", 3))
    check_raises(lambda lib: lib.zeros(6).view(2.0, 3))


def test_reshape_copies_when_it_must():
    x = nt.arange(6.).view(2, 3)
    y = x.t().reshape(6)
    assert y.data_ptr() != x.data_ptr()
    np.testing.assert_array_equal(y.numpy(), [0, 3, 1, 4, 2, 5])
    z = x.reshape(3, 2)
    assert z.data_ptr() == x.data_ptr()
    check(lambda lib, t: t.t().reshape(3, 2), np.arange(6.).reshape(2, 3), strides=True)
    check(lambda lib, t: lib.reshape(t, (-1,)), np.arange(6.).reshape(2, 3), strides=True)


# ---- transposes and permutes ----------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda lib, t: t.t(),
    lambda lib, t: t.T,
    lambda lib, t: t.transpose(0, 1),
    lambda lib, t: t.transpose(-1, -2),
    lambda lib, t: lib.transpose(t, 1, 0),
    lambda lib, t: lib.t(t),
    lambda lib, t: t.permute(1, 0),
    lambda lib, t: t[1].t(),
    lambda lib, t: t[1].T,
])
def test_2d_transposes(fn):
    check_view(fn, M)


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.permute(2, 0, 1),
    lambda lib, t: t.permute([1, 2, 0]),
    lambda lib, t: t.permute((-1, 0, 1)),
    lambda lib, t: lib.permute(t, (0, 2, 1)),
    lambda lib, t: t.transpose(0, 2),
    lambda lib, t: t.mT,
    lambda lib, t: t.permute(2, 1, 0)[:, 1:, ::2],
])
def test_3d_permutes(fn):
    check_view(fn, A)


def test_T_on_3d_reverses_dims():
    import warnings as w
    with w.catch_warnings():
        w.simplefilter("ignore")
        want = torch.zeros(2, 3, 4).T
    got = nt.zeros(2, 3, 4).T
    assert got.shape == want.shape and got.stride() == want.stride()


def test_transpose_errors():
    check_raises(lambda lib: lib.zeros(2, 3, 4).t())
    check_raises(lambda lib: lib.zeros(2, 3).transpose(0, 2), match="Dimension out of range")
    check_raises(lambda lib: lib.zeros(2, 3).permute(0, 0))
    check_raises(lambda lib: lib.zeros(2, 3).permute(0))


def test_transpose_inplace_returns_self():
    for lib in (nt, torch):
        x = lib.arange(6).view(2, 3)
        y = x.transpose_(0, 1)
        assert y is x
        assert tuple(x.shape) == (3, 2) and x.stride() == (1, 3)
        assert x.tolist() == [[0, 3], [1, 4], [2, 5]]


def test_1d_and_0d_transposes():
    check_view(lambda lib, t: t[0, 0].t(), A)
    check(lambda lib, t: t[0, 0, 0].t(), A)


# ---- expand, narrow, squeeze, unsqueeze --------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda lib, t: t[:1].expand(4, 4),
    lambda lib, t: t[:, :1].expand(3, 5),
    lambda lib, t: t[:, :1].expand(-1, 7),
    lambda lib, t: t[0].expand(2, 3, 4),
    lambda lib, t: t[:1].expand([2, 2, 4]),
    lambda lib, t: t[0, 0].expand(3),
    lambda lib, t: t[:1].expand_as(lib.zeros(5, 4)),
])
def test_expand_has_zero_strides(fn):
    t = fn(torch, torch.from_numpy(M.copy()))
    n = fn(nt, nt.from_numpy(M.copy()))
    assert geometry(n) == geometry(t)
    assert 0 in n.stride()
    np.testing.assert_array_equal(n.numpy(), t.numpy())
    # the expanded view reads the base's memory: a write to the base shows through
    base = nt.from_numpy(M.copy())
    e = fn(nt, base)
    assert e.storage().data_ptr() == base.storage().data_ptr()
    base[0, 0] = 99
    assert (e.numpy() == 99).any()


def test_expand_errors():
    check_raises(lambda lib: lib.zeros(2, 3).expand(3, 3), match="must match the existing size")
    check_raises(lambda lib: lib.zeros(2, 3).expand(3))


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.narrow(0, 1, 2),
    lambda lib, t: t.narrow(1, 0, 2),
    lambda lib, t: t.narrow(-1, 1, 3),
    lambda lib, t: t.narrow(1, -2, 2),
    lambda lib, t: lib.narrow(t, 1, 1, 1),
    lambda lib, t: t.narrow(0, 3, 0),
])
def test_narrow(fn):
    check_view(fn, M)


def test_narrow_errors():
    check_raises(lambda lib: lib.zeros(3, 4).narrow(0, 2, 2))
    check_raises(lambda lib: lib.zeros(3, 4).narrow(2, 0, 1))


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.squeeze(),
    lambda lib, t: t.squeeze(0),
    lambda lib, t: t.squeeze(1),
    lambda lib, t: t.squeeze(-1),
    lambda lib, t: t.squeeze((0, 2)),
    lambda lib, t: lib.squeeze(t, 3),
    lambda lib, t: t.unsqueeze(0),
    lambda lib, t: t.unsqueeze(2),
    lambda lib, t: t.unsqueeze(-1),
    lambda lib, t: t.unsqueeze(4),
    lambda lib, t: t[0, :, 0].unsqueeze(1),
    lambda lib, t: t[:, :, :, 1::2].unsqueeze(-1),
    lambda lib, t: t[0, 0, 0, 0].unsqueeze(0),
    lambda lib, t: t[0, 0, 0, 0].squeeze(),
])
def test_squeeze_unsqueeze(fn):
    check_view(fn, np.arange(12.).reshape(1, 3, 1, 4))


def test_squeeze_unsqueeze_errors():
    check_raises(lambda lib: lib.zeros(2, 3).unsqueeze(3), match="Dimension out of range")
    check_raises(lambda lib: lib.zeros(2, 3).squeeze(2), match="Dimension out of range")


def test_detach_shares_storage():
    x = nt.ones(3, requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.data_ptr() == x.data_ptr()
    d[0] = 5
    assert x[0].item() == 5


# ---- basic indexing gives views ---------------------------------------------------
@pytest.mark.parametrize("key", [
    0, -1, 1, (1, 2), (-1, -2, -3), slice(None), slice(1, None), slice(None, None, 2),
    slice(0, 3, 2), slice(-3, -1), slice(5, 10), slice(2, 1), (slice(None), 1),
    (Ellipsis, 1), (1, Ellipsis), (None, 0), (slice(None), None, 1), (Ellipsis, None),
    (0, slice(None, None, 3), slice(1, 3)), (None, Ellipsis, None), (1, 1, 1),
    (slice(None, None, 2), slice(None, None, 2), slice(None, None, 3)), (Ellipsis,),
])
def test_basic_indexing_is_a_view(key):
    check_view(lambda lib, t: t[key], A)


def test_indexing_errors():
    check_raises(lambda lib: lib.zeros(2, 3)[2], match="index 2 is out of bounds for dimension 0 with size 2")
    check_raises(lambda lib: lib.zeros(2, 3)[:, -4])
    check_raises(lambda lib: lib.zeros(2, 3)[0, 0, 0])
    check_raises(lambda lib: lib.zeros(2, 3)[::-1])
    check_raises(lambda lib: lib.zeros(2, 3)["a"])


@pytest.mark.parametrize("key,value", [
    (0, 5.0), (-1, -1), ((1, 2), 3), (slice(None, None, 2), 7.5), ((slice(None), 1), 0),
    ((Ellipsis, 0), np.float64(4)), ((None, 1), 2), (slice(1, 3), None),
    ((slice(None), slice(None, None, 2)), "row"), (Ellipsis, "full"),
])
def test_basic_setitem_writes_through(key, value):
    def fn(lib, t):
        view = t[0:2]                      # write through a view into the base
        if value is None:
            view[key] = lib.arange(4.)     # broadcast tensor
        elif value == "row":
            view[key] = lib.tensor([[1.], [2.], [3.]])
        elif value == "full":
            view[key] = lib.ones(2, 3, 4, dtype=lib.float64)  # cast on write
        else:
            view[key] = value
        return t
    check(fn, A)


def test_setitem_errors():
    check_raises(lambda lib: lib.zeros(2, 3).__setitem__(0, lib.zeros(2)),
                 match="must match the existing size (2) at non-singleton dimension 0")
    # a float tensor written into an int tensor is cast (copy_ semantics)
    check(lambda lib, t: (t.__setitem__(0, lib.full((3,), 2.7)), t)[1], np.zeros((2, 3), np.int64))


def test_setitem_keeps_identity_and_storage():
    x = nt.zeros(3, 3)
    ptr = x.data_ptr()
    x[:] = nt.arange(3.)
    x[1, :] += 10
    assert x.data_ptr() == ptr
    np.testing.assert_array_equal(x.numpy(), [[0, 1, 2], [10, 11, 12], [0, 1, 2]])
