"""numtensor.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) against real torch.

Each case is written once as fn(lib, *tensors) and run on both libraries with the same
input values; results must nest the same way (tensor / tuple / tuple of tuples) and agree in
shape, dtype, requires_grad and values. Errors must agree in type and message.
"""
import inspect

import numpy as np
import pytest

import numtensor as nt
import numtensor.autograd.functional as ntF

FUNCTIONS = ("vjp", "jvp", "jacobian", "hessian", "hvp", "vhp")


def _torch():
    import torch  # the oracle is required: a missing torch fails, never skips
    return torch


def _functional(lib):
    return lib.autograd.functional


def _rtol(dtype):
    return 1e-12 if str(dtype) == "torch.float64" else 1e-5


def _make(lib, arrays, requires_grad=False):
    """One tensor for an array, a tuple of tensors for a tuple of arrays (None stays None)."""
    if arrays is None:
        return None
    if isinstance(arrays, tuple):
        return tuple(_make(lib, a, requires_grad) for a in arrays)
    return lib.tensor(arrays, requires_grad=requires_grad)


def _assert_same(got, want, where="result"):
    """Same nesting, shapes, dtypes, requires_grad and values (the dtype sets the rtol)."""
    if want is None:  # an input gradient that torch leaves unset
        assert got is None, f"{where}: {type(got)}"
        return
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), f"{where}: {type(got)}"
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_same(g, w, f"{where}[{i}]")
        return
    assert isinstance(got, nt.Tensor), f"{where}: {type(got)}"
    assert tuple(got.shape) == tuple(want.shape), f"{where}: {got.shape} vs {want.shape}"
    assert str(got.dtype) == str(want.dtype), f"{where}: {got.dtype} vs {want.dtype}"
    assert got.requires_grad == want.requires_grad, f"{where}: requires_grad"
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(),
                               rtol=_rtol(want.dtype), atol=0, err_msg=where)


def _run_both(name, fn, inputs, v=None, requires_grad=False, **kwargs):
    """name(fn, inputs[, v], **kwargs) on numtensor and on torch: (numtensor's, torch's)."""
    results = []
    for lib in (nt, _torch()):
        args = [lambda *t, lib=lib: fn(lib, *t), _make(lib, inputs, requires_grad)]
        if v is not None:
            args.append(_make(lib, v))
        results.append(getattr(_functional(lib), name)(*args, **kwargs))
    return results


def _check(name, fn, inputs, v=None, **kwargs):
    got, want = _run_both(name, fn, inputs, v, **kwargs)
    _assert_same(got, want)


def _flatten(result):
    """The tensors of a (nested) result, in order."""
    if isinstance(result, tuple):
        return [t for item in result for t in _flatten(item)]
    return [result]


def _error_of(call):
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the type itself is what is compared
        return type(e), str(e)
    return None


def _assert_same_error(name, fn, inputs, v=None, **kwargs):
    errors = []
    for lib in (nt, _torch()):
        args = [lambda *t, lib=lib: fn(lib, *t), _make(lib, inputs)]
        if v is not None:
            args.append(_make(lib, v))
        errors.append(_error_of(lambda: getattr(_functional(lib), name)(*args, **kwargs)))
    assert errors[1] is not None, "torch raised nothing"
    assert errors[0] == errors[1]


def _rand(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(0.1, 1.0, size=shape).astype(dtype)


# ---- the functions of PyTorch's documentation --------------------------------------------
def exp_reducer(lib, x):
    return x.exp().sum(dim=1)


def pow_reducer(lib, x):
    return x.pow(3).sum()


def exp_adder(lib, x, y):
    return 2 * x.exp() + 3 * y


def adder(lib, x, y):
    return 2 * x + 3 * y


def pow_adder_reducer(lib, x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()


def linear_model(lib, x):
    W = lib.tensor([[2.0, -1.0], [0.0, 1.0]])
    b = lib.tensor([1.0, 0.5])
    return x @ W.T + b


# ---- the module and its signatures --------------------------------------------------------
def test_module_is_importable_both_ways():
    import numtensor.autograd.functional as by_import
    assert by_import is nt.autograd.functional is ntF
    assert nt.autograd.functional.jacobian is ntF.jacobian
    assert sorted(ntF.__all__) == sorted(FUNCTIONS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_signature_matches_torch(name):
    want = inspect.signature(getattr(_torch().autograd.functional, name))
    assert inspect.signature(getattr(ntF, name)) == want
    assert getattr(ntF, name).__doc__


@pytest.mark.parametrize("name", FUNCTIONS)
def test_unknown_keyword_is_a_type_error(name):
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        getattr(ntF, name)(lambda x: x.sum(), nt.ones(1), foo=1)


# ---- documentation examples -----------------------------------------------------------------
@pytest.mark.parametrize("create_graph", [False, True])
def test_jacobian_doc_exp_reducer(create_graph):
    _check("jacobian", exp_reducer, _rand(2, 2), create_graph=create_graph)


def test_jacobian_doc_exp_adder():
    _check("jacobian", exp_adder, (_rand(2), _rand(2, seed=1)))


def test_jacobian_tutorial_exp_adder():
    # "Introduction to PyTorch", autograd: torch.autograd.functional.jacobian(exp_adder, inputs)
    _check("jacobian", exp_adder, (_rand(3), _rand(3, seed=1)))


def test_jacobian_doc_linear_model_vectorize():
    got, want = _run_both("jacobian", linear_model, _rand(4, 2), requires_grad=True,
                          vectorize=True)
    assert got.shape == nt.Size([4, 2, 4, 2])
    _assert_same(got, want)


@pytest.mark.parametrize("create_graph", [False, True])
def test_hessian_doc_pow_reducer(create_graph):
    _check("hessian", pow_reducer, _rand(2, 2), create_graph=create_graph)


def test_hessian_doc_pow_adder_reducer():
    _check("hessian", pow_adder_reducer, (_rand(2), _rand(2, seed=1)))


@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp_doc_exp_reducer(create_graph):
    _check("vjp", exp_reducer, _rand(4, 4), np.ones(4, np.float32), create_graph=create_graph)


def test_vjp_doc_adder():
    _check("vjp", adder, (_rand(2), _rand(2, seed=1)), np.ones(2, np.float32))


@pytest.mark.parametrize("create_graph", [False, True])
def test_jvp_doc_exp_reducer(create_graph):
    _check("jvp", exp_reducer, _rand(4, 4), np.ones((4, 4), np.float32),
           create_graph=create_graph)


def test_jvp_doc_adder():
    _check("jvp", adder, (_rand(2), _rand(2, seed=1)), (np.ones(2, np.float32),) * 2)


@pytest.mark.parametrize("name", ["vhp", "hvp"])
@pytest.mark.parametrize("create_graph", [False, True])
def test_hessian_products_doc_pow_reducer(name, create_graph):
    _check(name, pow_reducer, _rand(2, 2), np.ones((2, 2), np.float32),
           create_graph=create_graph)


@pytest.mark.parametrize("name", ["vhp", "hvp"])
def test_hessian_products_doc_pow_adder_reducer(name):
    _check(name, pow_adder_reducer, (_rand(2), _rand(2, seed=1)),
           (np.zeros(2, np.float32), np.ones(2, np.float32)))


def test_printed_results_match_torch():
    x = np.array([[0.5, 0.25], [0.125, 1.0]], np.float32)
    printed = []
    for lib in (nt, _torch()):
        F = _functional(lib)
        t = lib.tensor(x)
        printed.append([
            repr(F.jacobian(lambda a: exp_reducer(lib, a), t, create_graph=True)),
            repr(F.hessian(lambda a: pow_reducer(lib, a), t)),
            repr(F.vjp(lambda a: exp_reducer(lib, a), t, lib.ones(2), create_graph=True)),
            repr(F.jvp(lambda a: exp_reducer(lib, a), t, lib.ones(2, 2), create_graph=True)),
            repr(F.vhp(lambda a: pow_reducer(lib, a), t, lib.ones(2, 2), create_graph=True)),
        ])
    assert printed[0] == printed[1]


# ---- nesting: single and tuple inputs and outputs ---------------------------------------
def two_outputs(lib, x, y):
    return x * y, x.sum()


def one_input_two_outputs(lib, x):
    return x.exp(), (x * x).sum(dim=0)


@pytest.mark.parametrize("fn,inputs", [
    (exp_reducer, _rand(3, 2)),                          # tensor -> tensor: one tensor
    (one_input_two_outputs, _rand(3, 2)),                # tensor -> tuple: tuple
    (exp_adder, (_rand(3), _rand(3, seed=1))),           # tuple -> tensor: tuple
    (two_outputs, (_rand(3), _rand(3, seed=1))),         # tuple -> tuple: tuple of tuples
    (lambda lib, x: (x.sum(),), _rand(2, 3)),            # a 1-tuple output stays a tuple
    (lambda lib, x: x.sum(), (_rand(2, 3),)),            # a 1-tuple input stays a tuple
])
def test_jacobian_nesting_and_shapes(fn, inputs):
    _check("jacobian", fn, inputs)


def test_vjp_and_jvp_with_tuple_outputs():
    inputs = (_rand(3), _rand(3, seed=1))
    _check("vjp", two_outputs, inputs, (_rand(3, seed=2), np.array(2.0, np.float32)))
    _check("jvp", two_outputs, inputs, (_rand(3, seed=2), _rand(3, seed=3)))


def test_scalar_input_and_output_need_no_v():
    for name in ("vjp", "jvp", "vhp", "hvp"):
        _check(name, lambda lib, x: x.pow(3).sum(), _rand(1))


def test_vectorize_gives_the_same_results():
    inputs = (_rand(3), _rand(3, seed=1))
    for vectorize in (False, True):
        _check("jacobian", two_outputs, inputs, vectorize=vectorize)
        _check("hessian", pow_adder_reducer, inputs, vectorize=vectorize)
    plain = ntF.jacobian(lambda x, y: two_outputs(nt, x, y), _make(nt, inputs))
    vectorized = ntF.jacobian(lambda x, y: two_outputs(nt, x, y), _make(nt, inputs),
                              vectorize=True)
    _assert_same(plain, vectorized)


# ---- zeros where an output does not depend on an input --------------------------------------
def first_only(lib, x, y):
    return x * 2


def test_unused_inputs_give_zeros():
    inputs = (_rand(3), _rand(2, seed=1))
    _check("jacobian", first_only, inputs)
    _check("vjp", first_only, inputs, np.ones(3, np.float32))
    _check("jvp", first_only, inputs, (np.ones(3, np.float32), np.ones(2, np.float32)))
    _check("hessian", lambda lib, x, y: x.pow(3).sum(), inputs)
    _check("vhp", lambda lib, x, y: x.pow(3).sum(), inputs, (np.ones(3, np.float32),
                                                              np.ones(2, np.float32)))
    _check("hvp", lambda lib, x, y: x.pow(3).sum(), inputs, (np.ones(3, np.float32),
                                                              np.ones(2, np.float32)))


def test_constant_output_gives_zeros():
    _check("jacobian", lambda lib, x: lib.ones(2), _rand(3))
    _check("vjp", lambda lib, x: x.detach() * 2, _rand(3), np.ones(3, np.float32))


def test_identity_function():
    _check("jacobian", lambda lib, x: x, _rand(2, 2))
    _check("jvp", lambda lib, x: x, _rand(3), _rand(3, seed=1))


# ---- float64 --------------------------------------------------------------------------------
@pytest.mark.parametrize("name,fn,inputs,v", [
    ("jacobian", exp_adder, (_rand(3, dtype=np.float64), _rand(3, seed=1, dtype=np.float64)),
     None),
    ("hessian", pow_adder_reducer, (_rand(2, dtype=np.float64), _rand(2, 1, dtype=np.float64)),
     None),
    ("vjp", exp_reducer, _rand(3, 3, dtype=np.float64), _rand(3, seed=1, dtype=np.float64)),
    ("jvp", exp_reducer, _rand(3, 3, dtype=np.float64), _rand(3, 3, seed=1, dtype=np.float64)),
    ("vhp", pow_reducer, _rand(2, 2, dtype=np.float64), _rand(2, 2, seed=1, dtype=np.float64)),
    ("hvp", pow_reducer, _rand(2, 2, dtype=np.float64), _rand(2, 2, seed=1, dtype=np.float64)),
])
def test_float64(name, fn, inputs, v):
    got, want = _run_both(name, fn, inputs, v)
    assert {str(t.dtype) for t in _flatten(got)} == {"torch.float64"}
    _assert_same(got, want)


def test_jacobian_has_each_inputs_dtype():
    inputs = (_rand(3, dtype=np.float64), _rand(3, seed=1))
    got, want = _run_both("jacobian", lambda lib, x, y: x.float() * y, inputs)
    assert [str(j.dtype) for j in got] == ["torch.float64", "torch.float32"]
    _assert_same(got, want)


# ---- create_graph: the results are differentiable ------------------------------------------
CREATE_GRAPH_CASES = [
    ("jacobian", exp_adder, (_rand(3), _rand(3, seed=1)), None),
    ("jacobian", exp_reducer, _rand(2, 2), None),
    ("hessian", lambda lib, x: (x.pow(3) * x.sin()).sum(), _rand(3), None),
    ("vjp", exp_reducer, _rand(3, 3), _rand(3, seed=1)),
    ("jvp", exp_reducer, _rand(3, 3), _rand(3, 3, seed=1)),
    ("vhp", pow_adder_reducer, (_rand(2), _rand(2, seed=1)), (_rand(2, seed=2),
                                                              _rand(2, seed=3))),
    ("hvp", lambda lib, x: (x.pow(3) * x.exp()).sum(), _rand(2, 2), _rand(2, 2, seed=1)),
]


def _sum_all(result):
    if isinstance(result, tuple):
        return sum(_sum_all(r) for r in result)
    return (result * result).sum()


@pytest.mark.parametrize("name,fn,inputs,v", CREATE_GRAPH_CASES)
def test_create_graph_results_backpropagate_to_the_inputs(name, fn, inputs, v):
    grads = []
    results = []
    for lib in (nt, _torch()):
        leaves = _make(lib, inputs, requires_grad=True)
        args = [lambda *t, lib=lib: fn(lib, *t), leaves] + ([_make(lib, v)] if v is not None
                                                             else [])
        result = getattr(_functional(lib), name)(*args, create_graph=True)
        results.append(result)
        _sum_all(result).backward()
        leaves = leaves if isinstance(leaves, tuple) else (leaves,)
        grads.append(tuple(leaf.grad for leaf in leaves))
    _assert_same(*results)
    _assert_same(*grads, where="input grads")


@pytest.mark.parametrize("name,fn,inputs,v", CREATE_GRAPH_CASES)
def test_without_create_graph_results_have_no_history(name, fn, inputs, v):
    leaves = _make(nt, inputs, requires_grad=True)
    args = [lambda *t: fn(nt, *t), leaves] + ([_make(nt, v)] if v is not None else [])
    result = getattr(ntF, name)(*args)
    assert not any(t.requires_grad for t in _flatten(result))
    leaves = leaves if isinstance(leaves, tuple) else (leaves,)
    assert all(leaf.grad is None for leaf in leaves)


def test_grad_mode_is_restored_and_no_grad_is_respected():
    x = nt.tensor([0.5, 1.5])
    with nt.no_grad():
        out, res = ntF.vjp(lambda t: t.exp(), x, nt.ones(2))
        assert not nt.is_grad_enabled()
        out_g, res_g = ntF.vjp(lambda t: t.exp(), x, nt.ones(2), create_graph=True)
        assert not nt.is_grad_enabled()
    assert not res.requires_grad and res_g.requires_grad and out_g.requires_grad
    assert nt.is_grad_enabled()


# ---- strict mode and bad arguments: PyTorch's errors ----------------------------------------
STRICT_ERRORS = [
    ("jacobian", first_only, (_rand(3), _rand(3)), None, {}),
    ("jacobian", lambda lib, x: x.detach(), _rand(3), None, {}),
    ("jacobian", lambda lib, x: x * 2, _rand(3), None, {"create_graph": True}),
    ("jacobian", lambda lib, x: x * 2, _rand(3), None, {"vectorize": True}),
    ("hessian", lambda lib, x: x.sum() * 2, _rand(3), None, {}),
    ("hessian", lambda lib, x, y: x.pow(3).sum(), (_rand(3), _rand(3)), None, {}),
    ("vjp", first_only, (_rand(3), _rand(3)), np.ones(3, np.float32), {}),
    ("vjp", lambda lib, x: x.detach(), _rand(3), np.ones(3, np.float32), {}),
    ("jvp", first_only, (_rand(3), _rand(3)), (np.ones(3, np.float32),) * 2, {}),
    ("vhp", lambda lib, x: x.sum(), _rand(3), np.ones(3, np.float32), {}),
    ("hvp", lambda lib, x: x.sum(), _rand(3), np.ones(3, np.float32), {}),
    ("vhp", lambda lib, x, y: x.pow(2).sum(), (_rand(3), _rand(3)),
     (np.ones(3, np.float32),) * 2, {}),
    ("hvp", lambda lib, x, y: x.pow(2).sum(), (_rand(3), _rand(3)),
     (np.ones(3, np.float32),) * 2, {}),
]


@pytest.mark.parametrize("name,fn,inputs,v,kwargs", STRICT_ERRORS)
def test_strict_errors_match_torch(name, fn, inputs, v, kwargs):
    _assert_same_error(name, fn, inputs, v, strict=True, **kwargs)


def test_strict_passes_when_everything_is_used():
    _check("jacobian", exp_adder, (_rand(3), _rand(3, seed=1)), strict=True)
    _check("hessian", pow_reducer, _rand(2, 2), strict=True, create_graph=True)
    _check("vjp", exp_reducer, _rand(2, 2), np.ones(2, np.float32), strict=True)


BAD_ARGUMENTS = [
    ("jacobian", lambda lib, x: 3, _rand(3), None),                     # not a tensor
    ("jacobian", lambda lib, x: (x, 3), _rand(3), None),                # one is not a tensor
    ("hessian", lambda lib, x: x.pow(3), _rand(3), None),               # not one element
    ("hessian", lambda lib, x: (x.pow(3).sum(),), _rand(3), None),      # a tuple
    ("vjp", lambda lib, x: x * 2, _rand(3), None),                      # v needed
    ("vjp", lambda lib, x: x * 2, _rand(3), np.ones(4, np.float32)),    # v of the wrong size
    ("vjp", two_outputs, (_rand(3), _rand(3)), np.ones(3, np.float32)),  # v too short
    ("vjp", two_outputs, (_rand(3), _rand(3)), (np.ones(3, np.float32),) * 2),
    ("jvp", lambda lib, x: x * 2, _rand(3), None),
    ("vhp", lambda lib, x: x.pow(2), _rand(3), np.ones(3, np.float32)),
    ("hvp", lambda lib, x: (x.pow(2).sum(),), _rand(3), np.ones(3, np.float32)),
    ("hvp", lambda lib, x: x.pow(2).sum(), _rand(3), None),
]


@pytest.mark.parametrize("name,fn,inputs,v", BAD_ARGUMENTS)
def test_bad_arguments_raise_torchs_errors(name, fn, inputs, v):
    _assert_same_error(name, fn, inputs, v)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_inputs_that_are_not_tensors(name):
    errors = [_error_of(lambda lib=lib: getattr(_functional(lib), name)(
        lambda x: x.sum(), [lib.ones(2)])) for lib in (nt, _torch())]
    assert errors[0] == errors[1] and errors[0][0] is TypeError


@pytest.mark.parametrize("kwargs", [
    {"strategy": "other"},
    {"strategy": "forward-mode"},
    {"strategy": "forward-mode", "create_graph": True},
    {"strategy": "forward-mode", "strict": True},
])
def test_jacobian_strategy_errors_match_torch(kwargs):
    _assert_same_error("jacobian", lambda lib, x: x * 2, _rand(3), **kwargs)


@pytest.mark.parametrize("strategy", ["other", "forward-mode"])
def test_hessian_outer_strategy_errors_match_torch(strategy):
    _assert_same_error("hessian", pow_reducer, _rand(2, 2), outer_jacobian_strategy=strategy)


def test_forward_mode_is_not_available():
    # the one combination torch accepts needs forward-mode AD, which numtensor lacks
    with pytest.raises(RuntimeError, match="forward-mode AD"):
        ntF.jacobian(lambda x: x * 2, nt.ones(3), vectorize=True, strategy="forward-mode")
    with pytest.raises(RuntimeError, match="forward-mode AD"):
        ntF.hessian(lambda x: x.pow(3).sum(), nt.ones(3), vectorize=True,
                    outer_jacobian_strategy="forward-mode")
