"""numtensor/ops/tensor_extras.py against PyTorch: predicates, shape helpers, in-place
twins, fill_diagonal_, resize_ and the complex casts."""
import numpy as np
import pytest
import torch

import numtensor as nt
from numtensor.autograd import gradcheck
from nn_helpers import raises_like as same_error


def both(data, dtype="float64", requires_grad=False):
    a = np.asarray(data, dtype=dtype)
    return (nt.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def same(n, t):
    assert tuple(n.shape) == tuple(t.shape)
    assert str(n.dtype) == str(t.dtype)
    np.testing.assert_allclose(np.asarray(n.detach().tolist()), t.detach().numpy(), atol=1e-12)


def grad_name(t):
    return type(t.grad_fn).__name__ if t.grad_fn is not None else None


RNG = np.random.default_rng(0)


# ---- predicates and metadata --------------------------------------------------------
def test_is_nonzero_and_its_errors():
    for data in ([0.0], [[2]], [True]):
        n, t = both(data, "float64")
        assert n.is_nonzero() == t.is_nonzero()
    for data in ([], [1.0, 2.0]):
        n, t = both(data)
        same_error(lambda: n.is_nonzero(), lambda: t.is_nonzero())
        same_error(lambda: nt.is_nonzero(n), lambda: torch.is_nonzero(t))


def test_size_storage_and_flag_predicates():
    n, t = both(RNG.random((3, 4)))
    assert nt.is_same_size(n, n[:]) and not n.is_same_size(n.t())
    same_error(lambda: n.is_same_size(3), lambda: t.is_same_size(3))
    assert n.is_set_to(n) and n.is_set_to(n[:]) and not n.is_set_to(n.view(12))
    assert not n.is_set_to(n.clone())
    assert (n.is_inference(), nt.is_inference(n), n.is_neg(), n.is_pinned()) == \
        (t.is_inference(), torch.is_inference(t), t.is_neg(), t.is_pinned())
    assert nt.resolve_neg(n) is n and n.resolve_neg() is n
    assert not n.is_shared() and n.share_memory_() is n and n.is_shared() and n[1:].is_shared()


def test_dim_order():
    for shape, perm in [((2, 3, 4), None), ((2, 3, 4), (2, 0, 1)), ((2, 1, 3), None),
                        ((2, 3, 4, 5), (0, 2, 3, 1)), ((5,), None), ((), None)]:
        n, t = nt.ones(shape), torch.ones(shape)
        if perm:
            n, t = n.permute(perm), t.permute(perm)
        assert n.dim_order() == t.dim_order()
        for check in (True, [torch.contiguous_format]):
            ncheck = check if check is True else [nt.contiguous_format]
            try:
                want = t.dim_order(ambiguity_check=check)
            except RuntimeError as e:
                with pytest.raises(RuntimeError, match=str(e)[:30]):
                    n.dim_order(ambiguity_check=ncheck)
            else:
                assert n.dim_order(ambiguity_check=ncheck) == want
    same_error(lambda: nt.ones(2).dim_order(ambiguity_check="x"),
               lambda: torch.ones(2).dim_order(ambiguity_check="x"))


_PROPERTIES = ("output_nr", "is_meta", "is_mkldnn", "is_quantized", "is_sparse",
               "is_sparse_csr", "is_nested", "is_xla", "is_xpu", "is_ipu", "is_vulkan",
               "is_maia", "is_mtia", "is_mps")


def test_properties_as_pytorchs():
    t = torch.ones(2)
    for name in _PROPERTIES:
        assert isinstance(getattr(torch.Tensor, name), type(torch.Tensor.is_cuda)), name
        assert isinstance(getattr(nt.Tensor, name), property), name
        if name != "output_nr":
            assert getattr(nt.ones(2), name) is getattr(t, name) is False
    n, t = both([1.0, 2.0, 3.0], requires_grad=True)
    pn, pt = (n * 2).split(1), (t * 2).split(1)
    assert [p.output_nr for p in pn] == [p.output_nr for p in pt]


# ---- shape helpers --------------------------------------------------------------------
def test_narrow_copy():
    n, t = both(RNG.random((3, 4)), requires_grad=True)
    rn, rt = n.t().narrow_copy(0, -3, 2), t.t().narrow_copy(0, -3, 2)
    same(rn, rt)
    assert rn.stride() == rt.stride() and grad_name(rn) == grad_name(rt) == "NarrowCopyBackward0"
    assert rn.data_ptr() != n.data_ptr()
    same(nt.narrow_copy(n, 1, 1, 2), torch.narrow_copy(t, 1, 1, 2))
    assert gradcheck(lambda x: x.narrow_copy(1, 1, 2), (n,))
    same_error(lambda: n.narrow_copy(0, 2, 5), lambda: t.narrow_copy(0, 2, 5))
    out_n, out_t = nt.empty(0, dtype=nt.float64), torch.empty(0, dtype=torch.float64)
    with nt.no_grad():
        nt.narrow_copy(n, 0, 0, 2, out=out_n)
    with torch.no_grad():
        torch.narrow_copy(t, 0, 0, 2, out=out_t)
    same(out_n, out_t)


@pytest.mark.parametrize("op, args, name", [
    ("split_with_sizes", ([1, 3],), "SplitWithSizesBackward0"),
    ("split_with_sizes", ((2, 2), 1), "SplitWithSizesBackward0"),
    ("unsafe_split", (2,), "UnsafeSplitBackward0"),
    ("unsafe_split_with_sizes", ([3, 1],), "UnsafeSplitWithSizesBackward0"),
    ("unsafe_chunk", (3, 1), "UnsafeSplitBackward0")])
def test_splits(op, args, name):
    n, t = both(RNG.random((4, 4)), requires_grad=True)
    pn, pt = getattr(n, op)(*args), getattr(t, op)(*args)
    assert type(pn) is type(pt) is tuple and len(pn) == len(pt)
    for a, b in zip(pn, pt):
        same(a, b)
        assert grad_name(a) == grad_name(b) == name
    fn = getattr(nt, op)
    assert gradcheck(lambda x: fn(x, *args)[0] * 2 + fn(x, *args)[-1].sum(), (n,))


def test_split_errors():
    n, t = both(RNG.random((4, 4)))
    same_error(lambda: n.split_with_sizes(1), lambda: t.split_with_sizes(1))
    same_error(lambda: n.split_with_sizes([1, 2]), lambda: t.split_with_sizes([1, 2]))
    same_error(lambda: n.unsafe_chunk(0), lambda: t.unsafe_chunk(0))
    same_error(lambda: n.unsafe_split([1, 3]), lambda: t.unsafe_split([1, 3]))
    same_error(lambda: nt.unsafe_split(n, 1.5), lambda: torch.unsafe_split(t, 1.5))


def test_unsafe_pieces_allow_in_place():
    n = nt.ones(4, requires_grad=True) * 1
    a, b = n.unsafe_split(2)
    a.mul_(3)  # not a multi-output view error, as in PyTorch
    assert n.tolist() == [3.0, 3.0, 1.0, 1.0]


@pytest.mark.parametrize("size", [(1, 3), ((3,),), (2, 1), ([2, 3],), (1,)])
def test_sum_to_size(size):
    n, t = both(RNG.random((2, 3)), requires_grad=True)
    rn, rt = n.sum_to_size(*size), t.sum_to_size(*size)
    same(rn, rt)
    flat = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    same(n.sum_to_size(size=flat), t.sum_to_size(size=flat))  # the keyword spelling
    assert grad_name(rn) == grad_name(rt)
    assert gradcheck(lambda x: x.sum_to_size(*size), (n,))


def test_sum_to_size_errors():
    n, t = both(RNG.random((2, 3)))
    assert n.sum_to_size(2, 3) is n
    for size in ((2,), (4, 3), (1, 2, 3)):
        same_error(lambda: n.sum_to_size(*size), lambda: t.sum_to_size(*size))
    with pytest.raises(TypeError):
        n.sum_to_size(foo=1)


def test_adjoint():
    n, t = both(RNG.random((2, 3, 4)), requires_grad=True)
    rn, rt = nt.adjoint(n), torch.adjoint(t)
    same(rn, rt)
    assert rn.stride() == rt.stride() and rn._base is n and grad_name(rn) == grad_name(rt)
    assert gradcheck(lambda x: x.adjoint(), (n,))
    c = RNG.random((2, 3)) + 1j * RNG.random((2, 3))
    cn, ct = both(c, "complex128")
    np.testing.assert_allclose(np.asarray(cn.adjoint().resolve_conj().tolist()),
                               ct.adjoint().resolve_conj().numpy())
    same_error(lambda: nt.ones(3).adjoint(), lambda: torch.ones(3).adjoint())


def test_new_empty_strided():
    n, t = nt.ones(2, dtype=nt.float64), torch.ones(2, dtype=torch.float64)
    rn, rt = n.new_empty_strided((2, 3), (1, 2)), t.new_empty_strided((2, 3), (1, 2))
    assert rn.stride() == rt.stride() and rn.shape == rt.shape and str(rn.dtype) == str(rt.dtype)
    rn = n.new_empty_strided([2], [1], dtype=nt.int32, requires_grad=False)
    assert rn.dtype is nt.int32
    assert n.new_empty_strided((2,), (1,), requires_grad=True).requires_grad
    with pytest.raises(TypeError):
        n.new_empty_strided((2,), (1,), foo=1)


# ---- in-place twins ---------------------------------------------------------------------
TWINS = [
    ("addbmm_", (3, 5), [(4, 3, 2), (4, 2, 5)]),
    ("baddbmm_", (4, 3, 5), [(4, 3, 2), (4, 2, 5)]),
    ("addmv_", (3,), [(3, 4), (4,)]),
    ("addr_", (3, 4), [(3,), (4,)]),
]


@pytest.mark.parametrize("op, shape, others", TWINS)
def test_in_place_twins(op, shape, others):
    x = RNG.random(shape)
    args = [RNG.random(s) for s in others]
    n, t = both(x, requires_grad=True)
    an = [nt.tensor(a, requires_grad=True) for a in args]
    at = [torch.tensor(a, requires_grad=True) for a in args]
    rn = getattr(n * 1, op)(*an, beta=0.5, alpha=2)
    rt = getattr(t * 1, op)(*at, beta=0.5, alpha=2)
    same(rn, rt)
    # (the node name is the out-of-place op's: more_functions composes addmv & co. from
    # add, so it is AddBackward0 where PyTorch says AddmvBackward0)
    assert grad_name(rn) is not None
    rn.sum().backward()
    rt.sum().backward()
    for a, b in zip([n] + an, [t] + at):
        same(a.grad, b.grad)
    same_error(lambda: getattr(n, op)(*an), lambda: getattr(t, op)(*at))  # a leaf
    assert gradcheck(lambda *xs: getattr(xs[0] * 1, op)(*xs[1:], beta=0.5, alpha=2),
                     (n, *an))


def test_addmv_function_and_renorm_():
    n, t = both(RNG.random(3))
    m, v = RNG.random((3, 2)), RNG.random(2)
    assert nt.addmv_(n, nt.tensor(m), nt.tensor(v)) is n
    same(n, torch.addmv_(t, torch.tensor(m), torch.tensor(v)))
    n, t = both(RNG.random((3, 4)) * 3, requires_grad=True)
    rn, rt = (n * 1).renorm_(2, 0, 1.0), (t * 1).renorm_(2, 0, 1.0)
    same(rn, rt)
    assert gradcheck(lambda x: (x * 1).renorm_(2, 0, 1.0), (n,))


# ---- fill_diagonal_, resize_, casts -----------------------------------------------------
@pytest.mark.parametrize("shape, wrap", [((5, 3), True), ((7, 3), True), ((7, 3), False),
                                         ((3, 7), True), ((2, 2, 2), False), ((4, 4), True),
                                         ((4, 3), True)])
def test_fill_diagonal_(shape, wrap):
    n, t = nt.zeros(shape), torch.zeros(shape)
    assert n.fill_diagonal_(2.5, wrap=wrap) is n
    same(n, t.fill_diagonal_(2.5, wrap=wrap))


def test_fill_diagonal_history_and_errors():
    n, t = nt.zeros(3, 3, dtype=nt.int64), torch.zeros(3, 3, dtype=torch.int64)
    same(n.fill_diagonal_(2.7), t.fill_diagonal_(2.7))
    n, t = both(np.zeros((3, 3)), requires_grad=True)
    same_error(lambda: n.fill_diagonal_(1), lambda: t.fill_diagonal_(1))
    rn, rt = (n * 2).fill_diagonal_(1), (t * 2).fill_diagonal_(1)
    assert grad_name(rn) == grad_name(rt)
    rn.sum().backward()
    rt.sum().backward()
    same(n.grad, t.grad)
    same_error(lambda: nt.zeros(2, 3, 2).fill_diagonal_(1),
               lambda: torch.zeros(2, 3, 2).fill_diagonal_(1))
    same_error(lambda: nt.zeros(2).fill_diagonal_(1), lambda: torch.zeros(2).fill_diagonal_(1))


def test_resize_():
    n, t = nt.arange(6.0), torch.arange(6.0)
    assert n.resize_(2, 2) is n
    same(n, t.resize_(2, 2))
    assert n.stride() == t.stride()
    n, t = nt.arange(6.0).view(2, 3).t(), torch.arange(6.0).view(2, 3).t()
    n.resize_(3, 2), t.resize_(3, 2)
    assert n.stride() == t.stride()
    n, t = nt.arange(4.0), torch.arange(4.0)
    v = n.view(2, 2)
    n.resize_((2, 3)), t.resize_((2, 3))
    assert n.shape == t.shape and n[0].tolist() == t[0].tolist() and n[1, 0].item() == 3.0
    assert v.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    n.resize_(0)
    assert n.shape == (0,)
    n, t = nt.ones(2, 3, 4, 5), torch.ones(2, 3, 4, 5)
    n.resize_(2, 3, 4, 5, memory_format=nt.channels_last)
    assert n.stride() == t.resize_(2, 3, 4, 5, memory_format=torch.channels_last).stride()


def test_resize_errors_and_resize_as_():
    for make in (lambda m: m.ones(2, requires_grad=True), lambda m: m.ones(2, requires_grad=True) * 1):
        same_error(lambda: make(nt).resize_(3), lambda: make(torch).resize_(3))
    same_error(lambda: nt.ones(2).resize_(2, memory_format=nt.channels_last),
               lambda: torch.ones(2).resize_(2, memory_format=torch.channels_last))
    with pytest.raises(RuntimeError):
        nt.ones(2).resize_(-1)
    n = nt.ones(3)
    assert n.resize_as_(nt.ones(2, 2)) is n and n.shape == (2, 2)
    assert nt.resize_as_(nt.ones(3), nt.ones(4, 1)).shape == (4, 1)


def test_complex_casts():
    n, t = both([1.0, 2.0], requires_grad=True)
    for name in ("cfloat", "cdouble"):
        rn, rt = getattr(n, name)(), getattr(t, name)()
        assert str(rn.dtype) == str(rt.dtype) and grad_name(rn) == grad_name(rt)
        np.testing.assert_allclose(np.asarray(rn.detach().tolist()), rt.detach().numpy())
        assert getattr(n, name)(memory_format=nt.preserve_format).dtype == rn.dtype
        with pytest.raises(TypeError):  # memory_format is keyword-only
            getattr(n, name)(nt.preserve_format)
