"""Custom autograd.Function, tensor hooks and node hooks, compared with PyTorch.

The two Function classes are the ones PyTorch's own tutorials teach with
(LegendrePolynomial3 from "Learning PyTorch with Examples", MyReLU from the autograd
tutorial); the same class body runs on both libraries.
"""
import math

import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (the oracle: required)


def _legendre(lib):
    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    return LegendrePolynomial3


def _my_relu(lib):
    class MyReLU(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input
    return MyReLU


def _tutorial_fit(lib):
    """The tutorial's loop: fit a third-order Legendre polynomial to sin(x), 200 steps."""
    dtype = lib.float64
    x = lib.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = lib.sin(x)
    a = lib.full((), 0.0, dtype=dtype, requires_grad=True)
    b = lib.full((), -1.0, dtype=dtype, requires_grad=True)
    c = lib.full((), 0.0, dtype=dtype, requires_grad=True)
    d = lib.full((), 0.3, dtype=dtype, requires_grad=True)
    P3 = _legendre(lib).apply
    lr = 5e-6
    for _ in range(200):
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with lib.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    return [float(v.item()) for v in (a, b, c, d)] + [float(loss.item())]


def test_legendre_tutorial_trains_like_torch():
    np.testing.assert_allclose(_tutorial_fit(nt), _tutorial_fit(torch), rtol=1e-9, atol=1e-12)


def test_my_relu_gradient_and_node_name():
    data = np.array([[-1.0, 2.0], [0.5, -3.0]])
    results = {}
    for lib in (nt, torch):
        x = lib.tensor(data, requires_grad=True)
        y = _my_relu(lib).apply(x)
        (y * lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64)).sum().backward()
        results[lib] = (y.detach().numpy(), x.grad.numpy(), type(y.grad_fn).__name__)
    np.testing.assert_array_equal(results[nt][0], results[torch][0])
    np.testing.assert_array_equal(results[nt][1], results[torch][1])
    assert nt.tensor([1.0], requires_grad=True).grad_fn is None
    assert results[nt][2].endswith("Backward")
    x = nt.tensor([1.0, -1.0], requires_grad=True)
    assert _my_relu(nt).apply(x).grad_fn.name() == "MyReLUBackward"


def test_function_gradcheck_and_needs_input_grad():
    seen = {}

    class Scale(nt.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor, y):
            seen["needs"] = ctx.needs_input_grad
            ctx.factor = factor
            ctx.save_for_backward(x, y)
            return x * factor * y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * ctx.factor * y, None, g * ctx.factor * x

    x = nt.tensor([0.5, -2.0, 3.0], dtype=nt.float64, requires_grad=True)
    y = nt.tensor([1.5, 0.25, -1.0], dtype=nt.float64)
    assert nt.autograd.gradcheck(lambda a: Scale.apply(a, 3.0, y), (x,))
    Scale.apply(x, 2.0, y)
    assert seen["needs"] == (True, False, False)


def test_saved_tensor_modified_in_place_is_an_error_and_double_backward_frees():
    class Square(nt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    base = nt.tensor([1.0, 2.0], requires_grad=True)
    x = base * 1
    y = Square.apply(x)
    x.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    y = Square.apply(base * 1)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()


def test_mark_non_differentiable_and_multiple_outputs():
    class SortLike(nt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values = x * 1
            flag = x > 0
            ctx.mark_non_differentiable(flag)
            return values, flag

        @staticmethod
        def backward(ctx, g_values, g_flag):
            return g_values * 2

    x = nt.tensor([1.0, -1.0], requires_grad=True)
    values, flag = SortLike.apply(x)
    assert values.requires_grad and not flag.requires_grad
    values.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_wrong_number_of_gradients_raises():
    class Bad(nt.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return (g,)

    x = nt.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(x, x).sum().backward()


@pytest.mark.parametrize("lib", [nt, torch], ids=["numtensor", "torch"])
def test_tensor_hooks_on_leaf_and_non_leaf(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    seen = []
    h = x.register_hook(lambda g: seen.append(g.tolist()))
    y = x * 2
    y.register_hook(lambda g: g * 10)   # replaces the gradient flowing back from y
    y.retain_grad()
    y.sum().backward()
    assert seen == [[20.0, 20.0, 20.0]]
    assert x.grad.tolist() == [20.0, 20.0, 20.0]
    assert y.grad.tolist() == [10.0, 10.0, 10.0]   # retain_grad sees the hooked gradient
    h.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert seen == [[20.0, 20.0, 20.0]] and x.grad.tolist() == [3.0, 3.0, 3.0]


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        nt.ones(2).register_hook(lambda g: g)


def test_node_pre_and_post_hooks():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    calls = []
    y.grad_fn.register_prehook(lambda grads: calls.append("pre") or (grads[0] * 2,))
    y.grad_fn.register_hook(lambda gin, gout: calls.append("post"))
    y.sum().backward()
    assert calls == ["pre", "post"] and x.grad.tolist() == [6.0, 6.0]


def test_every_registered_derivative_is_named_like_a_node():
    from numtensor.autograd.derivatives import REGISTRY
    names = [d.name for d in REGISTRY]
    assert len(names) > 80
    for d in REGISTRY:
        assert d.name[0].isupper() and d.vjp.__code__.co_argcount >= 1, d
