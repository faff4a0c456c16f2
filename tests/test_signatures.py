"""Every public function and Tensor method accepts exactly PyTorch's keyword names.

For each name that both libraries have, numtensor's keyword names (from its Python
signature) are compared with PyTorch's (its Python signature, or for a C++ builtin the
signature lines that open its docstring).  Where the docstring is wrong about what
torch accepts, TORCH_CORRECTIONS says so, and each correction is proven by calling
torch.  Mismatches that are known and not fixed yet are listed in KNOWN_MISMATCHES;
a new mismatch fails, and so does an entry that no longer mismatches (delete it).
"""
import inspect

import numpy as np
import pytest

import numtensor as nt
from signature_helpers import compare, numtensor_keywords, torch_keywords

import torch  # noqa: E402  (required: CI fails without the oracle)


def _rejects(call):
    try:
        call()
    except TypeError:
        return True
    return False


def _refuses_only_the_device(call):
    """call takes its keywords: it raises no TypeError, only the CPU device's error."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            call()
        except RuntimeError as e:
            return str(e) == "CPU device type not an accelerator."
    return False


_t = lambda: torch.ones(2, 2)  # noqa: E731
_ti = lambda: torch.ones(2, 2, dtype=torch.long)  # noqa: E731


def _other_not(method, documented, make=_t):
    """The method's docstring names its operand `documented`; torch's parser calls it
    `other` (and rejects the documented name, where there is one)."""
    def proof():
        accepted = getattr(make(), method)(other=make()) is not None
        return accepted and (documented is None or _rejects(
            lambda: getattr(make(), method)(**{documented: make()})))
    return Fix(proof, add={"other"}, remove={documented} if documented else ())


class Fix:
    """What torch really accepts as keywords, beyond (add) or instead of (remove) what
    its docstring shows, and a call that proves it (True when torch behaves so)."""

    def __init__(self, proof, add=(), remove=()):
        self.proof, self.add, self.remove = proof, set(add), set(remove)


def _split_fix(name, method, extra):
    """PyTorch's split functions document indices_or_sections; its parser takes sections=
    (an int), indices= (a list) or tensor_indices_or_sections= (a tensor)."""
    def call(**kw):
        x = torch.ones(2, 2, 2)
        return getattr(x, name)(**kw) if method else getattr(torch, name)(x, **kw)

    def proof():
        ok = len(call(sections=2)) == 2 and len(call(indices=[1])) == 2
        if "tensor_indices_or_sections" in extra:
            ok = ok and len(call(tensor_indices_or_sections=torch.tensor(2))) == 2
        return ok
    return Fix(proof, add=extra)


TORCH_CORRECTIONS = {
    # documented as triangular_solve(b, A, ...) and lu_solve(b, LU_data, LU_pivots); the
    # parser takes input= and refuses b=
    "torch.triangular_solve": Fix(
        lambda: torch.triangular_solve(input=torch.ones(2, 1), A=torch.eye(2)) is not None
        and _rejects(lambda: torch.triangular_solve(b=torch.ones(2, 1), A=torch.eye(2))),
        add={"input"}, remove={"b"}),
    "torch.lu_solve": Fix(
        lambda: torch.lu_solve(input=torch.ones(2, 1), LU_data=torch.eye(2),
                               LU_pivots=torch.tensor([1, 2], dtype=torch.int32)) is not None
        and _rejects(lambda: torch.lu_solve(b=torch.ones(2, 1), LU_data=torch.eye(2),
                                            LU_pivots=torch.tensor([1, 2], dtype=torch.int32))),
        add={"input"}, remove={"b"}),
    # docstrings that leave out keywords PyTorch's parser takes
    "torch.slogdet": Fix(lambda: torch.slogdet(_t(), out=(torch.empty(()), torch.empty(())))
                         is not None, add={"out"}),
    "torch.trapz": Fix(lambda: torch.trapz(_t(), dx=2.0) is not None, add={"dx"}),
    "Tensor.pinverse": Fix(lambda: _t().pinverse(rcond=0.1) is not None, add={"rcond"}),
    # documented as masked_scatter(mask, tensor); the parser takes source= and refuses tensor=
    "Tensor.masked_scatter": Fix(lambda: _t().masked_scatter(_t() > 0, source=_t()) is not None
                                 and _rejects(lambda: _t().masked_scatter(_t() > 0, tensor=_t())),
                                 add={"source"}, remove={"tensor"}),
    # a docstring typo: "atanh_(other) -> Tensor", but the method takes no argument
    **{f"Tensor.{n}": Fix(lambda n=n: getattr(_t() / 2, n)() is not None and _rejects(
        lambda: getattr(_t() / 2, n)(other=_t())), remove={"other"})
       for n in ("atanh_", "arctanh_")},
    # docstrings that leave out out= or eps=, which PyTorch's parser takes
    "torch.diff": Fix(lambda: (lambda o: torch.diff(_t(), out=o) is o)(torch.empty(0)),
                      add={"out"}),
    "torch.isin": Fix(lambda: (lambda o: torch.isin(_t(), _t(), out=o) is o)(
        torch.empty(0, dtype=torch.bool)), add={"out"}),
    "torch.nansum": Fix(lambda: (lambda o: torch.nansum(_t(), out=o) is o)(torch.empty(())),
                        add={"out"}),
    # documented as narrow_copy(dimension, ...) and resize_as_(tensor); the parser takes
    # dim= and the_template=, and refuses the documented names
    "Tensor.narrow_copy": Fix(lambda: _t().narrow_copy(dim=0, start=0, length=1) is not None
                              and _rejects(lambda: _t().narrow_copy(dimension=0, start=0,
                                                                    length=1)),
                              add={"dim"}, remove={"dimension"}),
    "Tensor.resize_as_": Fix(lambda: _t().clone().resize_as_(the_template=_t()) is not None
                             and _rejects(lambda: _t().clone().resize_as_(tensor=_t())),
                             add={"the_template"}, remove={"tensor"}),
    "Tensor.logit": Fix(lambda: _t().logit(eps=0.25) is not None, add={"eps"}),
    "Tensor.logit_": Fix(lambda: (_t() / 2).logit_(eps=0.25) is not None, add={"eps"}),
    "torch.tensor_split": _split_fix("tensor_split", False, {"tensor_indices_or_sections"}),
    "Tensor.tensor_split": _split_fix("tensor_split", True,
                                      {"sections", "indices", "tensor_indices_or_sections"}),
    **{f"torch.{n}": _split_fix(n, False, {"sections", "indices"})
       for n in ("hsplit", "vsplit", "dsplit")},
    **{f"Tensor.{n}": _split_fix(n, True, {"sections", "indices"})
       for n in ("hsplit", "vsplit", "dsplit")},
    "torch.take": Fix(lambda: torch.take(_t(), _ti()[0], out=torch.empty(2)) is not None,
                      add={"out"}),
    "torch.scatter_reduce": Fix(lambda: (lambda o: torch.scatter_reduce(
        _t(), 0, _ti(), _t(), "sum", out=o) is o)(torch.empty(2, 2)), add={"out"}),
    "Tensor.take": Fix(lambda: _t().take(index=_ti()[0]) is not None and
                       _rejects(lambda: _t().take(indices=_ti()[0])),
                       add={"index"}, remove={"indices"}),
    "Tensor.index_copy": Fix(lambda: _t().index_copy(0, _ti()[0, :1], source=_t()[:1]) is not None
                             and _rejects(lambda: _t().index_copy(0, _ti()[0, :1],
                                                                  tensor2=_t()[:1])),
                             add={"source"}, remove={"tensor2"}),
    "Tensor.index_copy_": Fix(lambda: _t().index_copy_(0, _ti()[0, :1], source=_t()[:1])
                              is not None and _rejects(lambda: _t().index_copy_(
                                  0, _ti()[0, :1], tensor=_t()[:1])),
                              add={"source"}, remove={"tensor"}),
    **{f"torch.{n}": Fix(lambda n=n: getattr(torch, n)(2, pin_memory=False) is not None,
                         add={"pin_memory"})
       for n in ("zeros", "ones", "eye", "arange")},
    **{f"torch.{n}": Fix(lambda n=n: getattr(torch, n)(4, pin_memory=False) is not None,
                         add={"pin_memory"})
       for n in ("hann_window", "blackman_window", "bartlett_window", "kaiser_window")},
    # hamming_window's docstring line "float alpha=0.54, float beta=0.46" reads as "float"
    "torch.hamming_window": Fix(lambda: torch.hamming_window(5, True, alpha=0.5, beta=0.5)
                                is not None, add={"alpha", "beta"}, remove={"float"}),
    # rrelu_ takes a generator, which its docstring leaves out
    "torch.rrelu_": Fix(lambda: torch.rrelu_(_t(), 0.1, 0.3, True, generator=torch.Generator())
                        is not None, add={"generator"}),
    # documented as frexp(input) / put(input, ...); the methods take no input=
    "Tensor.frexp": Fix(lambda: _t().frexp() is not None and _rejects(
        lambda: _t().frexp(input=_t())), remove={"input"}),
    "Tensor.put": Fix(lambda: _t().put(_ti()[0, :1], _t()[0, :1]) is not None and _rejects(
        lambda: _t().put(input=_t(), index=_ti()[0, :1], source=_t()[0, :1])), remove={"input"}),
    # documented with the math's names (A, B, L); the parser takes input= / input2=
    "torch.matrix_exp": Fix(lambda: torch.matrix_exp(input=_t()) is not None
                            and _rejects(lambda: torch.matrix_exp(A=_t())),
                            add={"input"}, remove={"A"}),
    "torch.cholesky_solve": Fix(lambda: torch.cholesky_solve(input=_t(), input2=torch.eye(2))
                                is not None and _rejects(
                                    lambda: torch.cholesky_solve(B=_t(), L=torch.eye(2))),
                                add={"input", "input2"}, remove={"B", "L"}),
    "torch.cholesky_inverse": Fix(lambda: torch.cholesky_inverse(input=torch.eye(2)) is not None
                                  and _rejects(lambda: torch.cholesky_inverse(L=torch.eye(2))),
                                  add={"input"}, remove={"L"}),
    **{f"torch.{n}": Fix(lambda n=n: getattr(torch, n)(_t(), pin_memory=False) is not None,
                         add={"pin_memory"})
       for n in ("zeros_like", "ones_like", "empty_like", "rand_like", "randn_like")},
    "torch.full": Fix(lambda: torch.full((2,), 1.0, pin_memory=False) is not None, add={"pin_memory"}),
    "torch.full_like": Fix(lambda: torch.full_like(_t(), 1.0, pin_memory=False) is not None,
                           add={"pin_memory"}),
    "torch.linspace": Fix(lambda: torch.linspace(0, 1, 3, pin_memory=False) is not None,
                          add={"pin_memory"}),
    "torch.logspace": Fix(lambda: torch.logspace(0, 1, 3, pin_memory=False) is not None,
                          add={"pin_memory"}),
    "torch.randint": Fix(lambda: torch.randint(3, (2,), pin_memory=False) is not None,
                         add={"pin_memory"}),
    "torch.randint_like": Fix(lambda: torch.randint_like(_t(), 3, pin_memory=False) is not None,
                              add={"pin_memory"}),
    "torch.normal": Fix(lambda: torch.normal(0.0, 1.0, (2,), dtype=None, device=None,
                                             layout=torch.strided, pin_memory=False,
                                             requires_grad=True).requires_grad,
                        add={"dtype", "device", "layout", "pin_memory", "requires_grad"}),
    "torch.bernoulli": Fix(lambda: torch.bernoulli(_t() / 2, p=0.5) is not None, add={"p"}),
    "Tensor.bernoulli": Fix(lambda: (_t() / 2).bernoulli(p=0.5) is not None, add={"p"}),
    # documented as from_numpy(ndarray), but the argument is positional-only
    "torch.from_numpy": Fix(lambda: _rejects(lambda: torch.from_numpy(ndarray=np.zeros(1))),
                            remove={"ndarray"}),
    # documented as result_type(tensor1, tensor2); the parser's names are tensor, other
    "torch.result_type": Fix(lambda: torch.result_type(tensor=_t(), other=1) is torch.float32,
                             add={"tensor", "other"}, remove={"tensor1", "tensor2"}),
    # Tensor.sort's and argsort's docstrings leave out the keyword stable
    "Tensor.sort": Fix(lambda: _t().sort(stable=True) is not None, add={"stable"}),
    "Tensor.argsort": Fix(lambda: _t().argsort(stable=True) is not None, add={"stable"}),
    "torch.concatenate": Fix(lambda: torch.concatenate([_t()], dim=0) is not None, add={"dim"}),
    # Tensor.softmax's and log_softmax's docstrings show only dim
    "Tensor.softmax": Fix(lambda: _t().softmax(0, dtype=torch.float64).dtype is torch.float64,
                          add={"dtype"}),
    **{f"Tensor.{n}": _other_not(n, "value") for n in (
        "div", "div_", "divide", "divide_", "true_divide", "true_divide_", "mul", "mul_",
        "multiply", "multiply_", "floor_divide", "floor_divide_")},
    **{f"Tensor.{n}": _other_not(n, "divisor") for n in ("fmod", "fmod_", "remainder",
                                                          "remainder_")},
    **{f"Tensor.{n}": _other_not(n, None, make=_ti) for n in (
        "bitwise_and", "bitwise_and_", "bitwise_or", "bitwise_or_", "bitwise_xor",
        "bitwise_xor_")},
    **{f"Tensor.{n}": _other_not(n, None) for n in ("logical_and", "logical_or", "logical_xor",
                                                     "logical_and_", "logical_or_",
                                                     "logical_xor_")},
    # std's and var's docstrings leave out the older keyword unbiased, still accepted
    "Tensor.std": Fix(lambda: _t().std(unbiased=False).item() == 0, add={"unbiased"}),
    "Tensor.var": Fix(lambda: _t().var(0, unbiased=False).sum().item() == 0, add={"unbiased"}),
    "torch.std": Fix(lambda: torch.std(_t(), unbiased=False).item() == 0, add={"unbiased"}),
    "torch.var": Fix(lambda: torch.var(_t(), 0, unbiased=False).sum().item() == 0,
                     add={"unbiased"}),
    "torch.std_mean": Fix(lambda: torch.std_mean(_t(), unbiased=False)[0].item() == 0,
                          add={"unbiased"}),
    "torch.var_mean": Fix(lambda: torch.var_mean(_t(), 0, unbiased=False)[0].sum().item() == 0,
                          add={"unbiased"}),
    # scatter's docstrings show only src; the value and reduce overloads take keywords too
    "torch.scatter": Fix(lambda: torch.scatter(_t(), 0, _ti()[:1], value=2.0, reduce="add")
                         .sum().item() == 8, add={"value", "reduce"}),
    "Tensor.scatter": Fix(lambda: _t().scatter(0, _ti()[:1], value=2.0, reduce="multiply")
                          .sum().item() == 6, add={"value", "reduce"}),
    # matmul's and bmm's method docstrings name the operand tensor2 and batch2; torch's
    # parser calls them other and mat2
    "Tensor.matmul": Fix(lambda: _t().matmul(other=_t()) is not None
                         and _rejects(lambda: _t().matmul(tensor2=_t())),
                         add={"other"}, remove={"tensor2"}),
    "Tensor.bmm": Fix(lambda: _t()[None].bmm(mat2=_t()[None]) is not None
                      and _rejects(lambda: _t()[None].bmm(batch2=_t()[None])),
                      add={"mat2"}, remove={"batch2"}),
    "Tensor.dot": Fix(lambda: _t()[0].dot(tensor=_t()[0]).item() == 2
                      and _rejects(lambda: _t()[0].dot(other=_t()[0])),
                      add={"tensor"}, remove={"other"}),
    "Tensor.gather": Fix(lambda: _t().gather(0, _ti()[:1] - 1, sparse_grad=False) is not None,
                         add={"sparse_grad"}),
    "Tensor.nonzero": Fix(lambda: len(_t().nonzero(as_tuple=True)) == 2, add={"as_tuple"}),
    "Tensor.where": Fix(lambda: _t().where(condition=_t() > 0, other=_t()) is not None
                        and _rejects(lambda: _t().where(_t() > 0, y=_t())),
                        add={"other"}, remove={"y"}),
    # documented as true_divide(dividend, divisor); the parser's names are input, other
    "torch.true_divide": Fix(lambda: torch.true_divide(input=_t(), other=_t()) is not None
                             and _rejects(lambda: torch.true_divide(dividend=_t(), divisor=_t())),
                             add={"input", "other"}, remove={"dividend", "divisor"}),
    "Tensor.log_softmax": Fix(lambda: _t().log_softmax(dim=0, dtype=torch.float64).dtype
                              is torch.float64, add={"dim", "dtype"}),
    # documented as narrow(dimension, start, length); the parser's name is dim
    "Tensor.narrow": Fix(lambda: tuple(_t().narrow(dim=1, start=0, length=1).shape) == (2, 1)
                         and _rejects(lambda: _t().narrow(dimension=1, start=0, length=1)),
                         add={"dim"}, remove={"dimension"}),
    # documented as type_as(tensor); the parser's name is other
    "Tensor.type_as": Fix(lambda: _t().type_as(other=_ti()).dtype is torch.int64
                          and _rejects(lambda: _t().type_as(tensor=_ti())),
                          add={"other"}, remove={"tensor"}),
    # to(other, ...) is documented, but the parser's overload names it tensor
    "Tensor.to": Fix(lambda: _t().to(tensor=_ti()).dtype is torch.int64
                     and _rejects(lambda: _t().to(other=_ti())),
                     add={"tensor"}, remove={"other"}),
    # sum's docstring shows no out=; its dim overload takes one, in any dtype
    "torch.sum": Fix(lambda: (lambda o: torch.sum(_t(), 0, out=o) is o and o.tolist() == [2, 2])(
        torch.empty(0, dtype=torch.long)), add={"out"}),
    # documented as permute(*dims) and reshape(*shape); the keyword forms work too
    "Tensor.permute": Fix(lambda: tuple(_t()[:1].permute(dims=(1, 0)).shape) == (2, 1),
                          add={"dims"}),
    "Tensor.reshape": Fix(lambda: tuple(_t().reshape(shape=(4,)).shape) == (4,),
                          add={"shape"}),
    # documented as pin_memory(); the parser takes the deprecated device= too (it warns,
    # and then refuses a CPU device)
    "Tensor.pin_memory": Fix(lambda: _refuses_only_the_device(
        lambda: _t().pin_memory(device="cpu")), add={"device"}),
}


# Mismatches not fixed yet.  Almost all are ops/ functions (and the Tensor methods
# that forward to them) whose first parameter is named x (or a, b) instead of torch's
# input (other), that lack out=, or in-place methods that take **kwargs; they are
# fixed with the ops refactor.  A few come from a torch docstring that shows other
# names than torch's parser accepts (e.g. Tensor.div(value)); when you touch one,
# either fix numtensor or add a proven TORCH_CORRECTIONS entry.  Each value is
# exactly what the comparison reports; delete an entry when it is fixed (the test
# fails until you do).
KNOWN_MISMATCHES = {}


def _public_functions():
    for name in sorted(dir(nt)):
        if name.startswith("_") or not hasattr(torch, name):
            continue
        obj = getattr(nt, name)
        if inspect.isfunction(obj) or inspect.isbuiltin(obj):
            yield f"torch.{name}", obj, getattr(torch, name), name, False


def _tensor_methods():
    for name in sorted(dir(nt.Tensor)):
        if name.startswith("_") or not hasattr(torch.Tensor, name):
            continue
        obj = inspect.getattr_static(nt.Tensor, name)
        if isinstance(obj, (property, staticmethod, classmethod)) or not callable(obj):
            continue
        yield f"Tensor.{name}", obj, getattr(torch.Tensor, name), name, True


def _torch_names(key, torch_obj, name, method):
    names = torch_keywords(torch_obj, name, method=method)
    if key in TORCH_CORRECTIONS:
        fix = TORCH_CORRECTIONS[key]
        names = (set(names or ()) - fix.remove) | fix.add
    return names


def mismatches():
    found = {}
    for key, nt_obj, torch_obj, name, method in list(_public_functions()) + list(_tensor_methods()):
        torch_names = _torch_names(key, torch_obj, name, method)
        nt_names = numtensor_keywords(nt_obj, method=method)
        if torch_names is None:  # torch exposes no signature: only a catch-all is wrong
            diff = "extra **" if "**" in nt_names else ""
        else:
            diff = compare(nt_names, torch_names)
        if diff:
            found[key] = diff
    return found


@pytest.mark.parametrize("key", sorted(TORCH_CORRECTIONS))
def test_corrections_are_true_of_torch(key):
    assert TORCH_CORRECTIONS[key].proof()


def test_keyword_names_match_torch():
    found = mismatches()
    new = {k: v for k, v in found.items() if KNOWN_MISMATCHES.get(k) != v}
    fixed = sorted(k for k in KNOWN_MISMATCHES if k not in found)
    assert not new, f"keyword names differ from torch's (fix them): {new}"
    assert not fixed, f"these now match torch: delete them from KNOWN_MISMATCHES: {fixed}"


def test_no_catch_all_kwargs():
    """A **kwargs that swallows names turns a typo into a silent wrong result."""
    offenders = []
    for key, obj, _, _, method in list(_public_functions()) + list(_tensor_methods()):
        try:
            names = numtensor_keywords(obj, method=method)
        except (TypeError, ValueError):
            continue
        if "**" in names and key not in KNOWN_MISMATCHES:
            offenders.append(key)
    assert not offenders, offenders
