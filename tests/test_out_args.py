"""torch.<fn>(..., out=) and keyword calls, each compared with PyTorch.

Each case is one lambda `lib -> (result, out)` that runs on both libraries: the same
exception type, or the same values, dtype and shape, with the result being out itself.
"""
import warnings

import numpy as np
import pytest

import numtensor as nt
import torch  # noqa: E402  (required: CI fails without the oracle)


def _inputs(lib, dtype="float32"):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    y = rng.standard_normal((3, 4)).astype(np.float32)
    to = lambda a: lib.tensor(a, dtype=getattr(lib, dtype))  # noqa: E731
    return to(x), to(y)


def _outcome(lib, case):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, out = case(lib)
        except Exception as e:  # the type is what both libraries must agree on
            return ("raises", type(e)), ()
    return ("ok", result, out), [str(w.message)[:40] for w in caught]


def check_same(case):
    got, nt_warnings = _outcome(nt, case)
    want, torch_warnings = _outcome(torch, case)
    assert got[0] == want[0], (got, want)
    assert nt_warnings == torch_warnings
    if want[0] == "raises":
        assert got[1] is want[1]
        return
    (_, r, out), (_, r_t, out_t) = got, want
    assert r is out and r_t is out_t
    assert str(r.dtype) == str(r_t.dtype)
    assert tuple(r.shape) == tuple(r_t.shape)
    np.testing.assert_allclose(r.numpy(), r_t.numpy(), rtol=1e-6, atol=1e-6)


def _with_out(fn, out_dtype="float32", out_shape=(3, 4), n=1, **kw):
    def case(lib):
        args = _inputs(lib)[:n]
        out = lib.empty(out_shape, dtype=getattr(lib, out_dtype))
        return getattr(lib, fn)(*args, out=out, **kw), out
    return case


UNARY = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "abs", "neg", "floor", "ceil",
         "trunc", "round", "sign", "reciprocal", "square", "rsqrt", "expm1", "log1p", "atan"]
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "atan2", "fmod", "remainder",
          "floor_divide", "pow", "eq", "ne", "lt", "le", "gt", "ge", "logical_and",
          "logical_or", "true_divide"]


@pytest.mark.parametrize("fn", UNARY)
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64", "bool"])
def test_unary_out_values_and_dtype_rules(fn, out_dtype):
    check_same(_with_out(fn, out_dtype))


@pytest.mark.parametrize("fn", BINARY)
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64", "bool"])
def test_binary_out_values_and_dtype_rules(fn, out_dtype):
    check_same(_with_out(fn, out_dtype, n=2))


@pytest.mark.parametrize("fn", ["exp", "add", "eq"])
@pytest.mark.parametrize("out_shape", [(0,), (12,), (2, 2), (3, 4)])
def test_out_of_another_shape_is_resized_with_torchs_warning(fn, out_shape):
    check_same(_with_out(fn, out_shape=out_shape, n=1 if fn == "exp" else 2))


def test_out_that_is_an_input_cannot_be_resized():
    def case(lib):
        x, y = _inputs(lib)
        row = x[0]
        return lib.add(row, y, out=row), row
    check_same(case)

    def other_operand(lib):
        x, y = _inputs(lib)
        row = x[0]
        return lib.mul(y, row, out=row), row
    check_same(other_operand)


def test_out_into_a_strided_view_writes_the_base():
    def case(lib):
        x, y = _inputs(lib)
        base = lib.zeros(4, 3)
        out = base.t()
        r = lib.mul(x, y, out=out)
        return r, out
    check_same(case)
    b = nt.zeros(4, 3)
    x, y = _inputs(nt)
    nt.mul(x, y, out=b.t())
    np.testing.assert_allclose(b.numpy(), (x * y).t().numpy())


def test_out_with_alpha_broadcasting_and_scalars():
    check_same(lambda lib: (lambda o: (lib.add(_inputs(lib)[0], _inputs(lib)[1][0], alpha=2,
                                               out=o), o))(lib.empty(3, 4)))
    check_same(lambda lib: (lambda o: (lib.mul(_inputs(lib)[0], 2.5, out=o), o))(lib.empty(3, 4)))
    check_same(lambda lib: (lambda o: (lib.div(_inputs(lib)[0], 2, rounding_mode="floor",
                                               out=o), o))(lib.empty(3, 4)))


def test_where_and_clamp_out():
    def where_case(lib):
        x, y = _inputs(lib)
        out = lib.empty(3, 4)
        return lib.where(x > 0, x, y, out=out), out
    check_same(where_case)

    def clamp_case(lib):
        x, _ = _inputs(lib)
        out = lib.empty(3, 4)
        return lib.clamp(x, -0.5, 0.5, out=out), out
    check_same(clamp_case)


@pytest.mark.parametrize("fn", ["exp", "add", "mul", "abs", "clamp"])
def test_out_refused_while_an_argument_requires_grad(fn):
    def case(lib):
        x, y = _inputs(lib)
        x.requires_grad_()
        out = lib.empty(3, 4)
        args = {"exp": (x,), "abs": (x,), "clamp": (x, 0.0)}.get(fn, (x, y))
        return getattr(lib, fn)(*args, out=out), out
    check_same(case)
    # under no_grad the same call is allowed
    with nt.no_grad():
        x = _inputs(nt)[0].requires_grad_()
        out = nt.empty(3, 4)
        assert nt.exp(x, out=out) is out and not out.requires_grad


def test_out_error_leaves_out_untouched():
    x, _ = _inputs(nt)
    out = nt.zeros(3, 4, dtype=nt.int64)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        nt.exp(x, out=out)
    assert out.sum().item() == 0


def test_tensor_methods_take_no_out():
    for lib in (nt, torch):
        x, y = _inputs(lib)
        with pytest.raises(TypeError):
            x.exp(out=lib.empty(3, 4))
        with pytest.raises(TypeError):
            x.add(y, out=lib.empty(3, 4))


KEYWORD_CALLS = {
    "exp(input=)": lambda lib, x, y: lib.exp(input=x),
    "add(input=, other=, alpha=)": lambda lib, x, y: lib.add(input=x, other=y, alpha=2),
    "sub(input=, other=)": lambda lib, x, y: lib.sub(input=x, other=y),
    "mul(input=, other=)": lambda lib, x, y: lib.mul(input=x, other=y),
    "div(input=, other=, rounding_mode=)": lambda lib, x, y: lib.div(input=x, other=y,
                                                                    rounding_mode="trunc"),
    "pow(input=, exponent=)": lambda lib, x, y: lib.pow(input=x.abs(), exponent=y),
    "pow(self=, exponent=)": lambda lib, x, y: lib.pow(self=2, exponent=y),
    "eq(input=, other=)": lambda lib, x, y: lib.eq(input=x, other=y),
    "maximum(input=, other=)": lambda lib, x, y: lib.maximum(input=x, other=y),
    "clamp(input=, min=, max=)": lambda lib, x, y: lib.clamp(input=x, min=-0.1, max=0.2),
    "where(condition=, input=, other=)": lambda lib, x, y: lib.where(condition=x > y,
                                                                     input=x, other=y),
    "round(input=, decimals=)": lambda lib, x, y: lib.round(input=x, decimals=1),
    "x.add(other=, alpha=)": lambda lib, x, y: x.add(other=y, alpha=3),
    "x.div(other=)": lambda lib, x, y: x.div(other=y),
    "x.pow(exponent=)": lambda lib, x, y: x.abs().pow(exponent=2),
    "x.clamp(min=)": lambda lib, x, y: x.clamp(min=0),
    "x.where(condition=, other=)": lambda lib, x, y: x.where(condition=x > 0, other=y),
    "x.clone().mul_(other=)": lambda lib, x, y: x.clone().mul_(other=y),
    "x.clone().clamp_(max=)": lambda lib, x, y: x.clone().clamp_(max=0.1),
    "x.clone().round_(decimals=)": lambda lib, x, y: x.clone().round_(decimals=2),
    # unknown or misspelt keywords
    "exp(inpt=)": lambda lib, x, y: lib.exp(inpt=x),
    "add(x, y, alhpa=)": lambda lib, x, y: lib.add(x, y, alhpa=2),
    "x.exp(foo=)": lambda lib, x, y: x.exp(foo=1),
    "x.clone().add_(y, out=)": lambda lib, x, y: x.clone().add_(y, out=x),
    "x.clone().exp_(foo=)": lambda lib, x, y: x.clone().exp_(foo=1),
}


@pytest.mark.parametrize("name", sorted(KEYWORD_CALLS))
def test_keyword_calls_match_torch(name):
    call = KEYWORD_CALLS[name]

    def run(lib):
        try:
            return "ok", call(lib, *_inputs(lib))
        except Exception as e:
            return "raises", type(e)
    got, want = run(nt), run(torch)
    assert got[0] == want[0], (got, want)
    if want[0] == "raises":
        assert got[1] is want[1]
    else:
        np.testing.assert_allclose(got[1].numpy(), want[1].numpy(), rtol=1e-6, atol=1e-6)
        assert str(got[1].dtype) == str(want[1].dtype)


REDUCTIONS = {
    "mean": lambda lib, x, out: lib.mean(x, 0, out=out),
    "mean all": lambda lib, x, out: lib.mean(x, out=out),
    "std": lambda lib, x, out: lib.std(x, 0, out=out),
    "var keepdim": lambda lib, x, out: lib.var(x, 1, keepdim=True, out=out),
    "amax": lambda lib, x, out: lib.amax(x, 0, out=out),
    "amin": lambda lib, x, out: lib.amin(x, (0, 1), out=out),
    "all": lambda lib, x, out: lib.all(x > 0, 0, out=out),
    "any": lambda lib, x, out: lib.any(x, 1, out=out),
    "cumsum": lambda lib, x, out: lib.cumsum(x, 1, out=out),
    "cumprod": lambda lib, x, out: lib.cumprod(x, 0, out=out),
    "max other": lambda lib, x, out: lib.max(x, x.flip(0), out=out),
    "min other=": lambda lib, x, out: lib.min(x, other=x.flip(0), out=out),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64", "bool"])
def test_reduction_out_values_and_dtype_rules(name, out_dtype):
    def case(lib):
        out = lib.empty(0, dtype=getattr(lib, out_dtype))
        return REDUCTIONS[name](lib, _inputs(lib)[0], out), out
    check_same(case)


@pytest.mark.parametrize("fn", ["max", "min"])
@pytest.mark.parametrize("dtypes", [("float32", "int64"), ("float64", "int64"),
                                    ("float32", "int32")])
def test_max_min_dim_out_pair(fn, dtypes):
    def run(lib):
        x = _inputs(lib)[0]
        values = lib.empty(0, dtype=getattr(lib, dtypes[0]))
        indices = lib.empty(0, dtype=getattr(lib, dtypes[1]))
        try:
            r = getattr(lib, fn)(x, 1, keepdim=True, out=(values, indices))
        except Exception as e:
            return type(e)
        assert r[0] is values and r[1] is indices and r.values is values
        return values.numpy().copy(), indices.numpy().copy()
    got, want = run(nt), run(torch)
    if isinstance(want, type):
        assert got is want
    else:
        np.testing.assert_allclose(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])


REDUCTION_KEYWORDS = {
    "sum(input=)": lambda lib, x: lib.sum(input=x),
    "sum(input=, dim=, keepdim=, dtype=)": lambda lib, x: lib.sum(input=x, dim=1, keepdim=True,
                                                                  dtype=lib.float64),
    "mean(input=, dim=)": lambda lib, x: lib.mean(input=x, dim=(0, 1)),
    "prod(input=, dim=)": lambda lib, x: lib.prod(input=x, dim=0),
    "max(input=)": lambda lib, x: lib.max(input=x),
    "max(input=, dim=).values": lambda lib, x: lib.max(input=x, dim=0).values,
    "max(input=, other=)": lambda lib, x: lib.max(input=x, other=x.flip(1)),
    "min(input=, dim=, keepdim=).indices": lambda lib, x: lib.min(input=x, dim=1,
                                                                  keepdim=True).indices,
    "argmax(input=, dim=)": lambda lib, x: lib.argmax(input=x, dim=1),
    "argmin(input=)": lambda lib, x: lib.argmin(input=x),
    "std(input=, dim=, unbiased=)": lambda lib, x: lib.std(input=x, dim=0, unbiased=False),
    "var(input=, correction=)": lambda lib, x: lib.var(input=x, correction=0),
    "x.std(unbiased=)": lambda lib, x: x.std(unbiased=False),
    "x.var(dim=, keepdim=)": lambda lib, x: x.var(dim=1, keepdim=True),
    "cumsum(input=, dim=)": lambda lib, x: lib.cumsum(input=x, dim=1),
    "amax(input=, dim=)": lambda lib, x: lib.amax(input=x, dim=1),
    "all(input=)": lambda lib, x: lib.all(input=x > 0),
    "count_nonzero(input=, dim=)": lambda lib, x: lib.count_nonzero(input=x > 0, dim=0),
    "transpose(input=, dim0=, dim1=)": lambda lib, x: lib.transpose(input=x, dim0=0, dim1=1),
    "flatten(input=)": lambda lib, x: lib.flatten(input=x),
    "squeeze(input=)": lambda lib, x: lib.squeeze(input=x[None]),
    "unsqueeze(input=, dim=)": lambda lib, x: lib.unsqueeze(input=x, dim=0),
    "narrow(input=, dim=)": lambda lib, x: lib.narrow(input=x, dim=1, start=1, length=2),
    "clone(input=)": lambda lib, x: lib.clone(input=x),
    "split(tensor=)[0]": lambda lib, x: lib.split(tensor=x, split_size_or_sections=2)[0],
    "chunk(input=)[1]": lambda lib, x: lib.chunk(input=x, chunks=2)[1],
    "gather(input=)": lambda lib, x: lib.gather(input=x, dim=0,
                                                index=lib.zeros(1, 4, dtype=lib.int64)),
    "index_select(input=)": lambda lib, x: lib.index_select(input=x, dim=1,
                                                            index=lib.tensor([0, 2])),
    "dist(input=, other=)": lambda lib, x: lib.dist(input=x, other=x.flip(0)),
    "x.mm(mat2=)": lambda lib, x: x.mm(mat2=x.t()),
    "x.matmul(other=)": lambda lib, x: x.matmul(other=x.t()),
    "x[None].bmm(mat2=)": lambda lib, x: x[None].bmm(mat2=x.t()[None]),
    "x[0].dot(tensor=)": lambda lib, x: x[0].dot(tensor=x[1]),
    "dot(input=, tensor=)": lambda lib, x: lib.dot(input=x[0], tensor=x[1]),
    "x.mv(vec=)": lambda lib, x: x.mv(vec=x[0]),
    "x[0].outer(vec2=)": lambda lib, x: x[0].outer(vec2=x[1]),
    "x.gather(dim=, index=, sparse_grad=)": lambda lib, x: x.gather(
        dim=1, index=lib.zeros(3, 1, dtype=lib.int64), sparse_grad=False),
    "x.index_select(dim=, index=)": lambda lib, x: x.index_select(dim=0, index=lib.tensor([2])),
    "x.mm(x.t(), out=)": lambda lib, x: x.mm(x.t(), out=lib.empty(0)),
    "x.nonzero(out=)": lambda lib, x: x.nonzero(out=lib.empty(0, dtype=lib.int64)),
    "x.gather(1, i, out=)": lambda lib, x: x.gather(1, lib.zeros(3, 1, dtype=lib.int64),
                                                    out=lib.empty(0)),
    "sum(x, dimm=)": lambda lib, x: lib.sum(x, dimm=0),
    "mean(x, out=) of an int": lambda lib, x: lib.mean(x.long(), out=lib.empty(0)),
    "x.mean(0, out=)": lambda lib, x: x.mean(0, out=lib.empty(0)),
    "x.sum(dim=0, keepdimm=)": lambda lib, x: x.sum(dim=0, keepdimm=True),
}


@pytest.mark.parametrize("name", sorted(REDUCTION_KEYWORDS))
def test_reduction_and_view_keyword_calls_match_torch(name):
    call = REDUCTION_KEYWORDS[name]

    def run(lib):
        try:
            return "ok", call(lib, _inputs(lib)[0])
        except Exception as e:
            return "raises", type(e)
    got, want = run(nt), run(torch)
    assert got[0] == want[0], (got, want)
    if want[0] == "raises":
        assert got[1] is want[1]
    else:
        np.testing.assert_allclose(got[1].numpy(), want[1].numpy(), rtol=1e-5, atol=1e-6)
        assert str(got[1].dtype) == str(want[1].dtype)
