"""torch.autograd.Function details, run on numtensor and on PyTorch and compared: the
gradients a backward may return (how many, of what type, shape and dtype), the
setup_context style, once_differentiable, the node's repr, backward(inputs=[]) and the
legacy instantiation of a Function.  Each case is one function of `lib` (numtensor or
torch); its outcome (values, or the exception's type and message) must be the same.
"""
import re
import warnings

import pytest

import numtensor as nt

import torch  # noqa: E402  (the oracle: required)


def _plain(value):
    """A result made comparable across the two libraries."""
    if isinstance(value, (tuple, list)):  # a tuple stays a tuple: it differs from a list
        return type(value)(_plain(v) for v in value)
    if hasattr(value, "tolist"):
        return "tensor", str(value.dtype), value.tolist()
    return value


def _outcome(case, lib):
    try:
        return "ok", _plain(case(lib))
    except Exception as e:  # noqa: BLE001  (the exception is the outcome compared)
        return type(e).__name__, str(e)


def _same(case):
    got, want = _outcome(case, nt), _outcome(case, torch)
    assert got == want
    return want


def _function(lib, name, backward, forward=None):
    """A Function subclass named `name` whose forward doubles its first argument."""
    def default_forward(ctx, x, *rest):
        return x * 2
    return type(name, (lib.autograd.Function,),
                {"forward": staticmethod(forward or default_forward),
                 "backward": staticmethod(backward)})


def _grad_of(F, x, *rest):
    x.grad = None
    F.apply(x, *rest).sum().backward()
    return x.grad


# ---- 1. how many gradients backward returns ------------------------------------------------
COUNT_CASES = {
    "two_for_one": lambda g: (g, g),
    "trailing_none_dropped": lambda g: (g, None),
    "trailing_nones_dropped": lambda g: (g, None, None, None),
    "none_alone": lambda g: None,
    "list_is_one_value": lambda g: [g],
    "int_is_not_a_gradient": lambda g: 3,
}


@pytest.mark.parametrize("name", list(COUNT_CASES))
def test_gradient_count_one_input(name):
    def case(lib):
        Bad = _function(lib, "Bad", lambda ctx, g: COUNT_CASES[name](g))
        return _grad_of(Bad, lib.tensor([1.0, 2.0, 3.0], requires_grad=True))
    _same(case)


def test_extra_gradient_names_the_node():
    out = _same(lambda lib: _grad_of(_function(lib, "Bad", lambda ctx, g: (g, g)),
                                     lib.tensor([1.0, 2.0, 3.0], requires_grad=True)))
    assert out == ("RuntimeError", "function BadBackward returned an incorrect number of "
                                   "gradients (expected 1, got 2)")


def test_extra_gradient_through_autograd_grad():
    def case(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = _function(lib, "Bad", lambda ctx, g: (g, g)).apply(x)
        return lib.autograd.grad(y.sum(), x)
    assert _same(case)[0] == "RuntimeError"


@pytest.mark.parametrize("grads", ["too_few", "none_for_two", "grad_for_number"])
def test_gradient_count_with_a_number_argument(grads):
    backward = {"too_few": lambda ctx, g: g,
                "none_for_two": lambda ctx, g: None,
                "grad_for_number": lambda ctx, g: (g, g)}[grads]

    def case(lib):
        F = _function(lib, "Scale", backward, forward=lambda ctx, x, k: x * k)
        return _grad_of(F, lib.tensor([1.0, 2.0], requires_grad=True), 3)
    _same(case)


def test_keyword_argument_counts_as_an_input():
    def forward(ctx, x, k=2):
        return x * k

    def case(lib):
        F = _function(lib, "KW", lambda ctx, g: (g * 2,), forward=forward)
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        first = _grad_of(F, x)           # k defaulted: one input
        F.apply(x, k=3).sum().backward()  # k given: two inputs, one gradient returned
        return first
    assert _same(case)[0] == "RuntimeError"


def test_vjp_instead_of_backward():
    def case(lib):
        class Neg(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return -x

            @staticmethod
            def vjp(ctx, g):
                return -g

        class Both(Neg):
            @staticmethod
            def backward(ctx, g):
                return g
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        return _grad_of(Neg, x), _outcome(lambda _: _grad_of(Both, x), lib)
    _same(case)


# ---- 2. the shape and dtype of each gradient -----------------------------------------------
SHAPE_CASES = [((3,), (4,)), ((3,), (2, 3)), ((3,), (1, 3)), ((3,), ()), ((3,), (1,)),
               ((2, 3), (3,)), ((2, 3), (3, 2)), ((2, 3), (4, 2, 3)), ((2, 3), (2, 1)),
               ((1,), (2, 3)), ((), (2, 3))]


@pytest.mark.parametrize("shape,grad_shape", SHAPE_CASES, ids=str)
def test_gradient_shape(shape, grad_shape):
    def case(lib):
        F = _function(lib, "WrongShape", lambda ctx, g: lib.ones(grad_shape))
        return _grad_of(F, lib.ones(shape, requires_grad=True))
    _same(case)


def test_wrong_shape_message():
    out = _same(lambda lib: _grad_of(_function(lib, "WrongShape", lambda ctx, g: lib.ones(4)),
                                     lib.ones(3, requires_grad=True)))
    assert out == ("RuntimeError", "Function WrongShapeBackward returned an invalid gradient "
                                   "at index 0 - got [4] but expected shape compatible with [3]")


@pytest.mark.parametrize("first", ["number", "no_grad_tensor", "grad_tensor"])
def test_wrong_shape_index_counts_tensor_inputs(first):
    def case(lib):
        F = _function(lib, "Second", lambda ctx, g: (None, lib.ones(7)),
                      forward=lambda ctx, a, x: x * 2)
        x = lib.ones(3, requires_grad=True)
        a = {"number": 3, "no_grad_tensor": lib.ones(3),
             "grad_tensor": lib.ones(3, requires_grad=True)}[first]
        return F.apply(a, x).sum().backward()
    _same(case)


def test_wrong_shape_of_input_without_grad_is_ignored():
    def case(lib):
        F = _function(lib, "Ignored", lambda ctx, g: (g, lib.ones(7)),
                      forward=lambda ctx, x, y: x * y)
        return _grad_of(F, lib.ones(3, requires_grad=True), lib.ones(3))
    _same(case)


def test_type_checked_before_shape():
    def case(lib):
        F = _function(lib, "Order", lambda ctx, g: (lib.ones(9), 3),
                      forward=lambda ctx, x, y: x * y)
        x = lib.ones(3, requires_grad=True)
        return F.apply(x, x).sum().backward()
    _same(case)


@pytest.mark.parametrize("dtype,grad_dtype", [
    ("float32", "float64"), ("float32", "float16"), ("float32", "int64"), ("float32", "bool"),
    ("float64", "float32"), ("float32", "complex64"), ("complex64", "float32"),
    ("complex64", "int32"), ("complex64", "complex128")])
def test_gradient_dtype(dtype, grad_dtype):
    def case(lib):
        x = lib.ones(2, dtype=getattr(lib, dtype), requires_grad=True)
        F = _function(lib, "Cast", lambda ctx, g: lib.ones(1, 2, dtype=getattr(lib, grad_dtype)),
                      forward=lambda ctx, x: lib.ones(2))
        return _grad_of(F, x)
    _same(case)


# ---- 3. forward without ctx, plus setup_context -------------------------------------------
def _scaled_mul(lib, seen):
    class ScaledMul(lib.autograd.Function):
        @staticmethod
        def forward(a, b, scale=2.0):
            seen.append(("forward grad mode", lib.is_grad_enabled()))
            return a * b * scale

        @staticmethod
        def setup_context(ctx, inputs, output):
            seen.append(("inputs", _plain(inputs), "output requires grad", output.requires_grad,
                         "needs", ctx.needs_input_grad, "grad mode", lib.is_grad_enabled()))
            a, b, scale = inputs
            ctx.save_for_backward(a, b)
            ctx.scale = scale

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b * ctx.scale, g * a * ctx.scale, None
    return ScaledMul


@pytest.mark.parametrize("call", ["defaults", "positional", "keyword", "b_keyword",
                                  "too_many", "no_grad", "nothing_requires_grad"])
def test_setup_context_apply(call):
    def case(lib):
        seen = []
        F = _scaled_mul(lib, seen)
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=call != "nothing_requires_grad")
        b = lib.tensor([4.0, 5.0, 6.0])
        if call == "no_grad":
            with lib.no_grad():
                y = F.apply(a, b)
        else:
            y = {"defaults": lambda: F.apply(a, b), "positional": lambda: F.apply(a, b, 3.0),
                 "keyword": lambda: F.apply(a, b, scale=0.5), "b_keyword": lambda: F.apply(a, b=b),
                 "too_many": lambda: F.apply(a, b, 1.0, 2.0),
                 "nothing_requires_grad": lambda: F.apply(a, b)}[call]()
        if y.requires_grad:
            y.sum().backward()
        return seen, y, y.requires_grad, a.grad
    _same(case)


def test_setup_context_multiple_outputs():
    def case(lib):
        seen = []

        class Split(lib.autograd.Function):
            @staticmethod
            def forward(x):
                return x * 2, x * 3, 7, lib.ones(2, dtype=lib.int64)

            @staticmethod
            def setup_context(ctx, inputs, output):
                seen.append((type(output).__name__, len(output)))
                x, = inputs
                ctx.mark_non_differentiable(output[1])
                ctx.save_for_backward(x)

            @staticmethod
            def backward(ctx, g1, g2, g3, g4):
                x, = ctx.saved_tensors
                seen.append(_plain((g1, g2, g3, g4)))  # outputs without a gradient: zeros
                return g1 * 2 * x

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        out = Split.apply(x)
        out[0].sum().backward()
        return seen, [getattr(o, "requires_grad", None) for o in out], x.grad
    _same(case)


def test_setup_context_errors():
    def case(lib):
        class Both(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def setup_context(ctx, inputs, output):
                pass

            @staticmethod
            def backward(ctx, g):
                return g

        class NoSetup(lib.autograd.Function):  # forward without ctx needs setup_context
            @staticmethod
            def forward(x):
                return x * 2
        x = lib.ones(2, requires_grad=True)
        return (_outcome(lambda _: Both.apply(x), lib), _outcome(lambda _: NoSetup.apply(x), lib),
                _outcome(lambda _: lib.autograd.Function.setup_context(None, (), None), lib))
    _same(case)


# ---- 4. once_differentiable ----------------------------------------------------------------
def _square(lib, seen):
    once_differentiable = __import__(lib.__name__ + ".autograd.function",
                                     fromlist=["once_differentiable"]).once_differentiable

    class Square(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            seen.append(lib.is_grad_enabled())
            return 2 * x * g
    return Square


def test_once_differentiable_import():
    from numtensor.autograd.function import once_differentiable
    assert once_differentiable.__name__ == "once_differentiable"


def test_once_differentiable_backward():
    def case(lib):
        seen = []
        Square = _square(lib, seen)
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        Square.apply(x).sum().backward()
        g, = lib.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
        return seen, x.grad, g, g.requires_grad, Square.backward.__name__
    _same(case)


def test_once_differentiable_refuses_double_backward():
    def case(lib):
        Square = _square(lib, [])
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        v = lib.ones(3, requires_grad=True)
        g, = lib.autograd.grad(Square.apply(x), x, grad_outputs=v, create_graph=True)
        return (g, g.requires_grad, g.grad_fn.name(), _mask(repr(g.grad_fn)),
                _outcome(lambda _: g.sum().backward(), lib),
                _outcome(lambda _: lib.autograd.grad(g.sum(), x), lib))
    out = _same(case)
    assert out[1][4] == ("RuntimeError", "trying to differentiate twice a function that was "
                                         "marked with @once_differentiable")


def test_once_differentiable_several_gradients():
    def case(lib):
        once_differentiable = __import__(lib.__name__ + ".autograd.function",
                                         fromlist=["once_differentiable"]).once_differentiable

        class Mul(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            @once_differentiable
            def backward(ctx, g):
                return g * 2, None
        x = lib.ones(3, requires_grad=True)
        y = lib.ones(3, requires_grad=True)
        v = lib.ones(3, requires_grad=True)
        gs = lib.autograd.grad(Mul.apply(x, y), [x, y], grad_outputs=v, create_graph=True,
                               allow_unused=True)
        return gs, [g.grad_fn.name() if g is not None else None for g in gs]
    _same(case)


# ---- 5. the repr of a custom Function's node ----------------------------------------------
def _mask(text):
    return re.sub(r"0x[0-9a-fA-F]+", "0x?", text)


def test_grad_fn_repr():
    def case(lib):
        class LegendrePolynomial3(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return 0.5 * (5 * x ** 3 - 3 * x)

            @staticmethod
            def backward(ctx, g):
                return g
        x = lib.ones(2, requires_grad=True)
        y = LegendrePolynomial3.apply(x)
        node = y.grad_fn
        return (_mask(repr(node)), _mask(str(node)), _mask(repr((y * 2).grad_fn.next_functions)),
                node.name(), type(node).__name__, type(node).__module__, repr(y))
    out = _same(case)
    assert out[1][0] == "<torch.autograd.function.LegendrePolynomial3Backward object at 0x?>"


# ---- 6. backward(inputs=[]) ------------------------------------------------------------------
@pytest.mark.parametrize("call", ["tensor_list", "tensor_tuple", "autograd_backward",
                                  "no_history", "nonscalar"])
def test_backward_empty_inputs(call):
    def case(lib):
        x = lib.ones(3, requires_grad=True)
        {"tensor_list": lambda: x.sum().backward(inputs=[]),
         "tensor_tuple": lambda: x.sum().backward(inputs=()),
         "autograd_backward": lambda: lib.autograd.backward(x.sum(), inputs=[]),
         "no_history": lambda: lib.ones(2).sum().backward(inputs=[]),
         "nonscalar": lambda: (x * 2).backward(inputs=[])}[call]()
        return x.grad
    assert _same(case) == ("RuntimeError", "`inputs` argument to `backward()` cannot be empty.")


@pytest.mark.parametrize("inputs", [[], ()], ids=["list", "tuple"])
def test_autograd_grad_empty_inputs(inputs):
    def case(lib):
        x = lib.ones(3, requires_grad=True)
        return lib.autograd.grad((x * 2).sum(), inputs)
    assert _same(case) == ("RuntimeError", "`inputs` argument to `grad()` cannot be empty.")


# ---- 7. legacy instantiation ----------------------------------------------------------------
def test_instantiating_a_function():
    def case(lib):
        class MyReLU(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.clamp(min=0)

            @staticmethod
            def backward(ctx, g):
                return g
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            f = MyReLU()
        x = lib.tensor([-1.0, 2.0], requires_grad=True)
        return ([(w.category.__name__, w.message.args[0], w.filename) for w in caught],
                isinstance(f, lib.autograd.Function), _outcome(lambda _: f(x), lib),
                f.apply(x))
    out = _same(case)
    assert out[1][2][1].endswith(
        "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")
