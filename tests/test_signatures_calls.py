"""The keyword forms that tests/test_signatures.py checks by name, called on both libraries.

Each case is a lambda `lib -> result` run on numtensor and on torch: both raise the same
exception type, or both give the same values, dtype and shape.  out= cases also check
that the result is out itself.
"""
import numpy as np
import pytest

import numtensor as nt
import torch  # noqa: E402  (required: CI fails without the oracle)


def _data(lib):
    rng = np.random.default_rng(3)
    x = lib.tensor(rng.standard_normal((3, 4)).astype(np.float32))
    y = lib.tensor((np.abs(rng.standard_normal((3, 4))) + 0.5).astype(np.float32))
    # a non-contiguous view of the same values as x
    xt = lib.tensor(rng.standard_normal((4, 3)).astype(np.float32)).t()
    return x, y, xt


def _run(lib, case):
    try:
        return "ok", case(lib, *_data(lib))
    except Exception as e:  # the type is what both libraries must agree on
        return "raises", type(e)


def _plain(r):
    if isinstance(r, tuple):
        return tuple(_plain(v) for v in r)
    if isinstance(r, (nt.Tensor, torch.Tensor)):
        return str(r.dtype), tuple(r.shape), r.detach().numpy().copy()
    return r


def check_same(case):
    got, want = _run(nt, case), _run(torch, case)
    assert got[0] == want[0], (got, want)
    if want[0] == "raises":
        assert got[1] is want[1], (got, want)
        return
    g, w = _plain(got[1]), _plain(want[1])
    _assert_same(g, w)


def _assert_same(g, w):
    if isinstance(w, tuple) and w and isinstance(w[0], tuple):
        assert len(g) == len(w)
        for a, b in zip(g, w):
            _assert_same(a, b)
        return
    if isinstance(w, tuple) and len(w) == 3 and isinstance(w[2], np.ndarray):
        assert g[0] == w[0] and g[1] == w[1], (g[:2], w[:2])
        tol = 1e-2 if w[0] == "torch.float16" else 1e-5  # half sums round in their own order
        np.testing.assert_allclose(g[2], w[2], rtol=tol, atol=tol / 10)
        return
    assert g == w


# ---- out= : values, dtype rules, and the result being out -------------------------------
OUT_CALLS = {
    "addcmul": lambda lib, x, y, xt, o: lib.addcmul(x, xt, y, value=2, out=o),
    "addcdiv": lambda lib, x, y, xt, o: lib.addcdiv(xt, x, y, value=-0.5, out=o),
    "deg2rad": lambda lib, x, y, xt, o: lib.deg2rad(xt, out=o),
    "deg2rad int": lambda lib, x, y, xt, o: lib.deg2rad((x * 90).long(), out=o),
    "rad2deg": lambda lib, x, y, xt, o: lib.rad2deg(x, out=o),
    "exp2": lambda lib, x, y, xt, o: lib.exp2(xt, out=o),
    "exp2 int": lambda lib, x, y, xt, o: lib.exp2((x * 3).long(), out=o),
    "index_add": lambda lib, x, y, xt, o: lib.index_add(xt, 0, lib.tensor([2, 0, 2]), y[:, :3],
                                                        alpha=2, out=o),
    "masked_select": lambda lib, x, y, xt, o: lib.masked_select(xt, x > 0, out=o),
    "masked_select broadcast": lambda lib, x, y, xt, o: lib.masked_select(x, x[0] > 0, out=o),
    "norm": lambda lib, x, y, xt, o: lib.norm(xt, out=o),
    "norm p dim": lambda lib, x, y, xt, o: lib.norm(xt, 1, 1, True, out=o),
    "norm positional out": lambda lib, x, y, xt, o: lib.norm(x, 2, 0, False, o),
}


@pytest.mark.parametrize("name", sorted(OUT_CALLS))
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64", "bool", "float16"])
def test_out_values_dtype_rules_and_identity(name, out_dtype):
    def case(lib, x, y, xt):
        out = lib.empty(0, dtype=getattr(lib, out_dtype))
        r = OUT_CALLS[name](lib, x, y, xt, out)
        assert r is out
        return r
    check_same(case)


@pytest.mark.parametrize("name", sorted(OUT_CALLS))
def test_out_refused_while_an_input_requires_grad(name):
    def case(lib, x, y, xt):
        return OUT_CALLS[name](lib, x.requires_grad_(), y, xt.requires_grad_(), lib.empty(0))
    check_same(case)


def test_out_into_a_transposed_view_writes_its_base():
    for lib in (nt, torch):
        x, y, xt = _data(lib)
        base = lib.zeros(4, 3)
        r = lib.addcmul(x, y, xt, value=3, out=base.t())
        np.testing.assert_allclose(base.t().numpy(), (x + 3 * y * xt).numpy(), rtol=1e-6)
        assert r.data_ptr() == base.data_ptr()


@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float64", "float32"),
                                    ("float32", "int64")])
@pytest.mark.parametrize("dim", [None, 1])
def test_aminmax_out_pair(dtypes, dim):
    def case(lib, x, y, xt):
        lo, hi = (lib.empty(0, dtype=getattr(lib, d)) for d in dtypes)
        kw = {} if dim is None else {"dim": dim, "keepdim": True}
        r = lib.aminmax(xt, **kw, out=(lo, hi))
        assert r[0] is lo and r[1] is hi and r.min is lo and r.max is hi
        return tuple(r)
    check_same(case)
    check_same(lambda lib, x, y, xt: lib.aminmax(x, out=lib.empty(0)))  # not a pair


def test_methods_take_no_out():
    for name in ("addcmul", "addcdiv", "exp2", "deg2rad", "rad2deg", "norm", "aminmax",
                 "masked_select", "index_add"):
        for lib in (nt, torch):
            with pytest.raises(TypeError):
                x = _data(lib)[0]
                args = {"addcmul": (x, x), "addcdiv": (x, x), "masked_select": (x > 0,),
                        "index_add": (0, lib.tensor([0]), x[:1])}.get(name, ())
                getattr(x, name)(*args, out=lib.empty(0))


# ---- mm / bmm out_dtype: declared by torch 2.13, not implemented on its CPU ---------------
@pytest.mark.parametrize("call", [
    lambda lib, x, y, xt: lib.mm(x, xt, out_dtype=lib.float32),
    lambda lib, x, y, xt: lib.mm(x, xt, lib.float64),
    lambda lib, x, y, xt: lib.mm(x, xt, out_dtype=lib.float32, out=lib.empty(0)),
    lambda lib, x, y, xt: lib.mm(x, xt, out_dtype=None),
    lambda lib, x, y, xt: lib.mm(x, xt, "float32"),
    lambda lib, x, y, xt: lib.bmm(x[None], xt[None], out_dtype=lib.float32),
    lambda lib, x, y, xt: lib.bmm(x[None], xt[None], out_dtype=None),
    lambda lib, x, y, xt: x.mm(xt, out_dtype=lib.float32),
    lambda lib, x, y, xt: lib.mm(x, xt),
    lambda lib, x, y, xt: lib.bmm(x[None], xt[None], out=lib.empty(0)),
])
def test_mm_bmm_out_dtype(call):
    check_same(call)


# ---- sequences for torch.*, varargs / sequence / keyword for methods ----------------------
SHAPE_CALLS = {
    "torch.reshape(x, tuple)": lambda lib, x, y, xt: lib.reshape(xt, (2, 6)),
    "torch.reshape(shape=list)": lambda lib, x, y, xt: lib.reshape(input=xt, shape=[-1]),
    "torch.reshape(x, Size)": lambda lib, x, y, xt: lib.reshape(x, xt.shape),
    "torch.reshape(x, 12)": lambda lib, x, y, xt: lib.reshape(x, 12),
    "torch.reshape(x, 3, 4)": lambda lib, x, y, xt: lib.reshape(x, 3, 4),
    "torch.reshape(x, float)": lambda lib, x, y, xt: lib.reshape(x, (2.0, 6)),
    "torch.reshape(x, str)": lambda lib, x, y, xt: lib.reshape(x, "a"),
    "torch.reshape bad size": lambda lib, x, y, xt: lib.reshape(x, (5,)),
    "torch.permute(x, tuple)": lambda lib, x, y, xt: lib.permute(xt, (1, 0)),
    "torch.permute(dims=)": lambda lib, x, y, xt: lib.permute(xt[None], dims=[2, 0, 1]),
    "torch.permute(x, 1, 0)": lambda lib, x, y, xt: lib.permute(x, 1, 0),
    "torch.permute(x, 0)": lambda lib, x, y, xt: lib.permute(x[0], 0),
    "torch.flip(x, list)": lambda lib, x, y, xt: lib.flip(xt, [0, 1]),
    "torch.flip(dims=tuple)": lambda lib, x, y, xt: lib.flip(xt, dims=(-1,)),
    "torch.flip(x, 0)": lambda lib, x, y, xt: lib.flip(x, 0),
    "torch.flip(x, 0, 1)": lambda lib, x, y, xt: lib.flip(x, 0, 1),
    "torch.flip(dims=0)": lambda lib, x, y, xt: lib.flip(x, dims=0),
    "torch.flip repeated dim": lambda lib, x, y, xt: lib.flip(x, (0, 0)),
    "torch.tile(x, tuple)": lambda lib, x, y, xt: lib.tile(xt, (2,)),
    "torch.tile(dims=list)": lambda lib, x, y, xt: lib.tile(input=xt, dims=[2, 1, 1]),
    "torch.tile(x, ())": lambda lib, x, y, xt: lib.tile(xt, ()),
    "torch.tile(x, 2)": lambda lib, x, y, xt: lib.tile(x, 2),
    "torch.tile(x, 2, 2)": lambda lib, x, y, xt: lib.tile(x, 2, 2),
    "x.flip(0, 1)": lambda lib, x, y, xt: xt.flip(0, 1),
    "x.flip([0])": lambda lib, x, y, xt: xt.flip([0]),
    "x.flip(dims=)": lambda lib, x, y, xt: xt.flip(dims=(1,)),
    "x.flip()": lambda lib, x, y, xt: xt.flip(),
    "x.flip(0, dims=)": lambda lib, x, y, xt: xt.flip(0, dims=(1,)),
    "x.flip(dim=)": lambda lib, x, y, xt: xt.flip(dim=(1,)),
    "x.tile(2, 1)": lambda lib, x, y, xt: xt.tile(2, 1),
    "x.tile((2, 1))": lambda lib, x, y, xt: xt.tile((2, 1)),
    "x.tile(dims=)": lambda lib, x, y, xt: xt.tile(dims=(1, 2, 1)),
    "x.tile(dims=2)": lambda lib, x, y, xt: xt.tile(dims=2),
    "x.tile()": lambda lib, x, y, xt: xt.tile(),
    "x.expand(2, 4, 3)": lambda lib, x, y, xt: xt.expand(2, 4, 3),
    "x.expand((2, 4, 3))": lambda lib, x, y, xt: xt.expand((2, 4, -1)),
    "x.expand(size=)": lambda lib, x, y, xt: xt[:1].expand(size=[5, 3]),
    "x.expand(size=int)": lambda lib, x, y, xt: xt.expand(size=4),
    "x.expand(list, 1)": lambda lib, x, y, xt: xt.expand([2, 4, 3], 1),
    "x.expand(sizes=)": lambda lib, x, y, xt: xt.expand(sizes=(4, 3)),
    "x.permute(dims=)": lambda lib, x, y, xt: xt.permute(dims=(1, 0)),
    "x.permute([1, 0])": lambda lib, x, y, xt: xt.permute([1, 0]),
    "x.reshape(shape=)": lambda lib, x, y, xt: xt.reshape(shape=(6, 2)),
    "x.reshape(shape=int)": lambda lib, x, y, xt: xt.reshape(shape=12),
    "torch.swapaxes(axis0=, axis1=)": lambda lib, x, y, xt: lib.swapaxes(xt, axis0=0, axis1=-1),
    "torch.swapaxes(dim0=)": lambda lib, x, y, xt: lib.swapaxes(xt, dim0=0, dim1=1),
    "x.swapaxes(axis0=, axis1=)": lambda lib, x, y, xt: xt[None].swapaxes(axis0=2, axis1=0),
    "x.swapaxes(dim0=)": lambda lib, x, y, xt: xt.swapaxes(dim0=0, dim1=1),
    "x.swapdims(dim0=)": lambda lib, x, y, xt: xt.swapdims(dim0=0, dim1=1),
    "x.split(split_size=, dim=)": lambda lib, x, y, xt: xt.split(split_size=2, dim=1),
    "x.split(list, dim=)": lambda lib, x, y, xt: xt.split(split_size=[1, 2], dim=1),
    "x.split(split_size_or_sections=)": lambda lib, x, y, xt: xt.split(split_size_or_sections=1),
    "torch.split(split_size_or_sections=)": lambda lib, x, y, xt: lib.split(
        xt, split_size_or_sections=3, dim=0),
    "x.narrow(dim=)": lambda lib, x, y, xt: xt.narrow(dim=1, start=1, length=2),
    "x.narrow(dimension=)": lambda lib, x, y, xt: xt.narrow(dimension=1, start=1, length=2),
    "x.type_as(other=)": lambda lib, x, y, xt: xt.type_as(other=x.long()),
    "x.type_as(tensor=)": lambda lib, x, y, xt: xt.type_as(tensor=x.long()),
    "torch.det(input=)": lambda lib, x, y, xt: lib.det(input=xt[:3]),
    "torch.det(x)": lambda lib, x, y, xt: lib.det(x[:, :3]),
    "torch.det(A=)": lambda lib, x, y, xt: lib.det(A=xt[:3]),
    "torch.det(out=)": lambda lib, x, y, xt: lib.det(xt[:3], out=lib.empty(0)),
}


@pytest.mark.parametrize("name", sorted(SHAPE_CALLS))
def test_shape_and_keyword_forms(name):
    check_same(SHAPE_CALLS[name])


def test_shape_forms_keep_views_and_gradients():
    """torch.reshape / permute of a view are views, and gradients flow through every form."""
    for lib in (nt, torch):
        base = lib.arange(12.0).reshape(3, 4)
        v = lib.permute(base, (1, 0))
        v[0, 0] = 100.0
        assert base[0, 0].item() == 100.0
        w = lib.reshape(base, (2, 6))
        assert w.data_ptr() == base.data_ptr()
    for form in (lambda x: x.flip(dims=(0,)), lambda x: x.tile(dims=(2, 1)),
                 lambda x: x.expand(size=(2, 3, 4)), lambda x: nt.tile(x, (2,)),
                 lambda x: nt.flip(x, [1]), lambda x: nt.permute(x, (1, 0)),
                 lambda x: nt.reshape(x, (4, 3)), lambda x: x.swapaxes(axis0=0, axis1=1)):
        x = nt.randn(3, 4, dtype=nt.float64, requires_grad=True)
        assert nt.autograd.gradcheck(form, (x,))


# ---- Tensor.to / type / cpu / cuda -------------------------------------------------------
TO_CALLS = {
    "to(dtype)": lambda lib, x, y, xt: xt.to(lib.float64),
    "to(dtype, True, True)": lambda lib, x, y, xt: xt.to(lib.int32, True, True),
    "to(dtype, non_blocking=, copy=)": lambda lib, x, y, xt: xt.to(lib.float64, non_blocking=True,
                                                                  copy=True),
    "to(dtype, memory_format=contiguous)": lambda lib, x, y, xt: xt.to(
        lib.float64, memory_format=lib.contiguous_format),
    "to(dtype=)": lambda lib, x, y, xt: xt.to(dtype=lib.int64),
    "to(float)": lambda lib, x, y, xt: xt.to(float),
    "to(int)": lambda lib, x, y, xt: xt.to(int),
    "to(device=, dtype=)": lambda lib, x, y, xt: xt.to(device="cpu", dtype=lib.int16),
    "to('cpu', dtype)": lambda lib, x, y, xt: xt.to("cpu", lib.int16),
    "to(device, dtype, False, True)": lambda lib, x, y, xt: xt.to(lib.device("cpu"), lib.float16,
                                                                  False, True),
    "to('cpu', dtype=)": lambda lib, x, y, xt: xt.to("cpu", dtype=lib.bool),
    "to(None, dtype)": lambda lib, x, y, xt: xt.to(None, lib.float64),
    "to(tensor)": lambda lib, x, y, xt: xt.to(x.long()),
    "to(tensor=)": lambda lib, x, y, xt: xt.to(tensor=x.double()),
    "to(tensor, non_blocking=, copy=)": lambda lib, x, y, xt: xt.to(x.long(), non_blocking=True,
                                                                    copy=False),
    "to()": lambda lib, x, y, xt: xt.to(),
    "to(memory_format=contiguous)": lambda lib, x, y, xt: xt.to(
        memory_format=lib.contiguous_format),
    "to(memory_format=preserve)": lambda lib, x, y, xt: xt.to("cpu", lib.float64,
                                                              memory_format=lib.preserve_format),
    # wrong combinations and unknown keywords
    "to(other=)": lambda lib, x, y, xt: xt.to(other=x.long()),
    "to(dtyp=)": lambda lib, x, y, xt: xt.to(dtyp=lib.int64),
    "to(dtype, foo=)": lambda lib, x, y, xt: xt.to(lib.float64, foo=1),
    "to(dtype, device=)": lambda lib, x, y, xt: xt.to(lib.float64, device="cpu"),
    "to(dtype, dtype=)": lambda lib, x, y, xt: xt.to(lib.float64, dtype=lib.float64),
    "to(dtype, dtype)": lambda lib, x, y, xt: xt.to(lib.float64, lib.int64),
    "to(dtype, 'cpu')": lambda lib, x, y, xt: xt.to(lib.int64, "cpu"),
    "to(tensor, dtype)": lambda lib, x, y, xt: xt.to(x, lib.float64),
    "to(tensor, dtype=)": lambda lib, x, y, xt: xt.to(x.long(), dtype=lib.int64),
    "to(tensor, device=)": lambda lib, x, y, xt: xt.to(x.long(), device="cpu"),
    "to('cpu', device=)": lambda lib, x, y, xt: xt.to("cpu", device="cpu"),
    "to(five positional)": lambda lib, x, y, xt: xt.to("cpu", lib.int64, False, True,
                                                       lib.preserve_format),
    "to(dtype, bool, bool, format)": lambda lib, x, y, xt: xt.to(lib.int64, False, True,
                                                                 lib.preserve_format),
    "to(dtype, copy=1)": lambda lib, x, y, xt: xt.to(lib.float64, copy=1),
    "to(list)": lambda lib, x, y, xt: xt.to([1]),
    "to('float64')": lambda lib, x, y, xt: xt.to("float64"),
    "to(memory_format=channels_last) of 2-d": lambda lib, x, y, xt: xt.to(
        memory_format=lib.channels_last),
    # type, cpu
    "type()": lambda lib, x, y, xt: xt.type(),
    "type(dtype)": lambda lib, x, y, xt: xt.type(lib.int64),
    "type(dtype=, non_blocking=)": lambda lib, x, y, xt: xt.type(dtype=lib.float64,
                                                                 non_blocking=True),
    "type(dtype, True)": lambda lib, x, y, xt: xt.type(lib.int64, True),
    "type('torch.LongTensor')": lambda lib, x, y, xt: xt.type("torch.LongTensor"),
    "type(dtype=None)": lambda lib, x, y, xt: xt.type(dtype=None),
    "type(foo=)": lambda lib, x, y, xt: xt.type(foo=1),
    "cpu(memory_format=)": lambda lib, x, y, xt: xt.cpu(memory_format=lib.preserve_format),
    "cpu(memory_format=contiguous)": lambda lib, x, y, xt: xt.cpu(
        memory_format=lib.contiguous_format),
    "cpu(format)": lambda lib, x, y, xt: xt.cpu(lib.preserve_format),
    "cpu(foo=)": lambda lib, x, y, xt: xt.cpu(foo=1),
    "cuda(foo=)": lambda lib, x, y, xt: xt.cuda(foo=1),
    "cuda(three positional)": lambda lib, x, y, xt: xt.cuda(None, False, lib.preserve_format),
}


@pytest.mark.parametrize("name", sorted(TO_CALLS))
def test_to_type_cpu_cuda_forms(name):
    check_same(TO_CALLS[name])


@pytest.mark.parametrize("call, same", [
    (lambda lib, x: x.to(lib.float32), True),
    (lambda lib, x: x.to(lib.float32, copy=True), False),
    (lambda lib, x: x.to("cpu"), True),
    (lambda lib, x: x.to(x), True),
    (lambda lib, x: x.to(x, copy=True), False),
    (lambda lib, x: x.to(copy=True), False),
    (lambda lib, x: x.to(memory_format=lib.preserve_format), True),
    (lambda lib, x: x.to(memory_format=lib.contiguous_format), True),
    (lambda lib, x: x[None, None].to(memory_format=lib.channels_last), False),
    (lambda lib, x: x.cpu(), True),
    (lambda lib, x: x.type(lib.float32), True),
])
def test_to_returns_self_exactly_when_torch_does(call, same):
    for lib in (nt, torch):
        x = lib.ones(2, 3)
        r = call(lib, x)
        assert (r is x or r is True) == same, lib.__name__


def test_to_copy_has_a_gradient():
    x = nt.randn(3, 2, dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradcheck(lambda t: t.to(nt.float64, copy=True) * 2, (x,))
    assert nt.autograd.gradcheck(lambda t: t.to(device="cpu", dtype=nt.complex128).real, (x,))


# ---- found by the differential fuzz test ------------------------------------------------
FUZZ_FOUND = {
    "lerp(out=) of a float into int64": lambda lib, x, y, xt: lib.lerp(
        x, xt, 0.25, out=lib.empty(0, dtype=lib.int64)),
    "lerp(out=)": lambda lib, x, y, xt: (lambda o: (lib.lerp(xt, y, 0.25, out=o), o))(
        lib.empty(0, dtype=lib.float64))[1],
    "lerp(out=) with a tensor weight": lambda lib, x, y, xt: lib.lerp(
        xt, y, x.sigmoid(), out=lib.empty(0)),
    "lerp int with a float weight tensor": lambda lib, x, y, xt: lib.lerp(
        x.short(), y.short(), y.sigmoid()),
    "lerp end of another dtype": lambda lib, x, y, xt: lib.lerp(x, y.double(), 0.5),
    "sum(dim, out=) into each dtype": lambda lib, x, y, xt: tuple(
        lib.sum(s, 1, out=lib.empty(0, dtype=d)) for s in (xt * 3, (x * 3).long(), x > 0)
        for d in (lib.float32, lib.float64, lib.int64, lib.bool, lib.float16)),
    "sum(out=) without dim": lambda lib, x, y, xt: lib.sum(x, out=lib.empty(0)),
    "x.sum(0, out=)": lambda lib, x, y, xt: x.sum(0, out=lib.empty(0)),
    "addcmul of bool": lambda lib, x, y, xt: lib.addcmul(x > 0, y > 1, xt > 0),
    "addcmul of bool, value=": lambda lib, x, y, xt: lib.addcmul(x > 0, y > 1, xt > 0, value=True),
}


@pytest.mark.parametrize("name", sorted(FUZZ_FOUND))
def test_found_by_fuzz(name):
    check_same(FUZZ_FOUND[name])


def test_layer_norm_of_an_empty_normalized_shape_raises_as_torch():
    check_same(lambda lib, x, y, xt: lib.nn.functional.layer_norm(xt, ()))
    check_same(lambda lib, x, y, xt: lib.nn.functional.layer_norm(xt, (3,)))
