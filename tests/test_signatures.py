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


_t = lambda: torch.ones(2, 2)  # noqa: E731


class Fix:
    """What torch really accepts as keywords, beyond (add) or instead of (remove) what
    its docstring shows, and a call that proves it (True when torch behaves so)."""

    def __init__(self, proof, add=(), remove=()):
        self.proof, self.add, self.remove = proof, set(add), set(remove)


TORCH_CORRECTIONS = {
    **{f"torch.{n}": Fix(lambda n=n: getattr(torch, n)(2, pin_memory=False) is not None,
                         add={"pin_memory"})
       for n in ("zeros", "ones", "eye", "arange")},
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
    "Tensor.log_softmax": Fix(lambda: _t().log_softmax(dim=0, dtype=torch.float64).dtype
                              is torch.float64, add={"dim", "dtype"}),
}


# Mismatches not fixed yet.  Almost all are ops/ functions (and the Tensor methods
# that forward to them) whose first parameter is named x (or a, b) instead of torch's
# input (other), that lack out=, or in-place methods that take **kwargs; they are
# fixed with the ops refactor.  A few come from a torch docstring that shows other
# names than torch's parser accepts (e.g. Tensor.div(value)); when you touch one,
# either fix numtensor or add a proven TORCH_CORRECTIONS entry.  Each value is
# exactly what the comparison reports; delete an entry when it is fixed (the test
# fails until you do).
KNOWN_MISMATCHES = {
    'Tensor.add': 'extra out',
    'Tensor.add_': 'missing alpha; extra **',
    'Tensor.atan2': 'missing other; extra b',
    'Tensor.bitwise_and': 'extra b',
    'Tensor.bitwise_and_': 'extra **,other',
    'Tensor.bitwise_or': 'extra b',
    'Tensor.bitwise_or_': 'extra **,other',
    'Tensor.bitwise_xor': 'extra b',
    'Tensor.bitwise_xor_': 'extra **,other',
    'Tensor.bmm': 'missing batch2; extra mat2,out',
    'Tensor.ceil_': 'extra **',
    'Tensor.clamp_': 'missing max,min; extra **',
    'Tensor.clip_': 'missing max,min; extra **',
    'Tensor.cos_': 'extra **',
    'Tensor.cpu': 'missing memory_format',
    'Tensor.cuda': 'missing memory_format,non_blocking',
    'Tensor.det': 'extra out',
    'Tensor.dist': 'missing other; extra b',
    'Tensor.div': 'missing value; extra other,out',
    'Tensor.div_': 'missing rounding_mode,value; extra **,other',
    'Tensor.divide': 'missing value; extra other,out',
    'Tensor.dot': 'extra out',
    'Tensor.equal': 'missing other; extra b',
    'Tensor.exp_': 'extra **',
    'Tensor.expand': 'missing size',
    'Tensor.flip': 'missing dims',
    'Tensor.floor_': 'extra **',
    'Tensor.floor_divide': 'missing value; extra other',
    'Tensor.floor_divide_': 'missing value; extra **,other',
    'Tensor.fmod': 'missing divisor; extra other',
    'Tensor.gather': 'extra out,sparse_grad',
    'Tensor.ger': 'extra out',
    'Tensor.index_select': 'extra out',
    'Tensor.inner': 'extra out',
    'Tensor.inverse': 'extra out',
    'Tensor.log_': 'extra **',
    'Tensor.logical_and': 'extra other',
    'Tensor.logical_or': 'extra other',
    'Tensor.logical_xor': 'extra other',
    'Tensor.matmul': 'missing tensor2; extra other,out',
    'Tensor.mm': 'extra out',
    'Tensor.mul': 'missing value; extra other,out',
    'Tensor.mul_': 'missing value; extra **,other',
    'Tensor.multiply': 'missing value; extra other,out',
    'Tensor.mv': 'extra out',
    'Tensor.narrow': 'missing dimension; extra dim',
    'Tensor.neg_': 'extra **',
    'Tensor.nonzero': 'extra as_tuple,out',
    'Tensor.outer': 'extra out',
    'Tensor.pow_': 'missing exponent; extra **,other',
    'Tensor.reciprocal_': 'extra **',
    'Tensor.relu_': 'extra **',
    'Tensor.remainder': 'missing divisor; extra other',
    'Tensor.remainder_': 'missing divisor; extra **,other',
    'Tensor.round_': 'missing decimals; extra **',
    'Tensor.scatter': 'extra reduce,value',
    'Tensor.sigmoid_': 'extra **',
    'Tensor.sign_': 'extra **',
    'Tensor.sin_': 'extra **',
    'Tensor.split': 'missing split_size; extra split_size_or_sections',
    'Tensor.sqrt_': 'extra **',
    'Tensor.square_': 'extra **',
    'Tensor.std': 'extra unbiased',
    'Tensor.sub': 'extra out',
    'Tensor.sub_': 'missing alpha; extra **',
    'Tensor.subtract': 'extra out',
    'Tensor.swapaxes': 'missing axis0,axis1; extra dim0,dim1',
    'Tensor.tanh_': 'extra **',
    'Tensor.tile': 'missing dims',
    'Tensor.to': 'missing copy,device,dtype,memory_format,non_blocking,other; extra **',
    'Tensor.true_divide': 'missing value; extra other,out,rounding_mode',
    'Tensor.trunc_': 'extra **',
    'Tensor.type': 'missing non_blocking',
    'Tensor.type_as': 'missing tensor; extra other',
    'Tensor.var': 'extra _name,_sqrt,unbiased',
    'Tensor.where': 'missing condition,y; extra cond,other',
    'torch.abs': 'missing input,out',
    'torch.absolute': 'missing input,out',
    'torch.acos': 'missing input,out',
    'torch.addcdiv': 'missing input,out',
    'torch.addcmul': 'missing input,out',
    'torch.all': 'missing input,out',
    'torch.amax': 'missing input,out',
    'torch.amin': 'missing input,out',
    'torch.aminmax': 'missing input,out',
    'torch.any': 'missing input,out',
    'torch.arccos': 'missing input,out',
    'torch.arcsin': 'missing input,out',
    'torch.arctan': 'missing input,out',
    'torch.argmax': 'missing input',
    'torch.argmin': 'missing input',
    'torch.argwhere': 'missing input',
    'torch.as_strided': 'missing input',
    'torch.asin': 'missing input,out',
    'torch.atan': 'missing input,out',
    'torch.atan2': 'missing input,other,out; extra b',
    'torch.bitwise_and': 'missing input,other,out; extra b',
    'torch.bitwise_not': 'missing input,out',
    'torch.bitwise_or': 'missing input,other,out; extra b',
    'torch.bitwise_xor': 'missing input,other,out; extra b',
    'torch.bmm': 'missing out_dtype',
    'torch.broadcast_to': 'missing input',
    'torch.ceil': 'missing input,out',
    'torch.chunk': 'missing input',
    'torch.clamp': 'missing input,out',
    'torch.clip': 'missing input,out',
    'torch.clone': 'missing input',
    'torch.cos': 'missing input,out',
    'torch.cosh': 'missing input,out',
    'torch.count_nonzero': 'missing input',
    'torch.cumprod': 'missing input,out',
    'torch.cumsum': 'missing input,out',
    'torch.deg2rad': 'missing input,out',
    'torch.det': 'missing input; extra A,out',
    'torch.dist': 'missing input,other; extra b',
    'torch.dot': 'missing tensor; extra other',
    'torch.eq': 'missing out',
    'torch.equal': 'missing input,other; extra b',
    'torch.exp': 'missing input,out',
    'torch.exp2': 'missing input,out',
    'torch.expm1': 'missing input,out',
    'torch.fix': 'missing input,out',
    'torch.flatten': 'missing input',
    'torch.flip': 'missing dims,input',
    'torch.fliplr': 'missing input',
    'torch.flipud': 'missing input',
    'torch.floor': 'missing input,out',
    'torch.floor_divide': 'missing out',
    'torch.fmod': 'missing out',
    'torch.gather': 'missing input',
    'torch.ge': 'missing out',
    'torch.greater': 'missing out',
    'torch.greater_equal': 'missing out',
    'torch.gt': 'missing out',
    'torch.imag': 'missing input',
    'torch.index_add': 'missing input,out',
    'torch.index_select': 'missing input',
    'torch.isfinite': 'missing input',
    'torch.isinf': 'missing input',
    'torch.isnan': 'missing input',
    'torch.le': 'missing out',
    'torch.less': 'missing out',
    'torch.less_equal': 'missing out',
    'torch.log': 'missing input,out',
    'torch.log10': 'missing input,out',
    'torch.log1p': 'missing input,out',
    'torch.log2': 'missing input,out',
    'torch.logical_and': 'missing out',
    'torch.logical_not': 'missing input,out',
    'torch.logical_or': 'missing out',
    'torch.logical_xor': 'missing out',
    'torch.lt': 'missing out',
    'torch.masked_select': 'missing input,out',
    'torch.max': 'missing input,other,out',
    'torch.maximum': 'missing out',
    'torch.mean': 'missing input,out',
    'torch.min': 'missing input,other,out',
    'torch.minimum': 'missing out',
    'torch.mm': 'missing out_dtype',
    'torch.moveaxis': 'missing input',
    'torch.movedim': 'missing input',
    'torch.narrow': 'missing input',
    'torch.ne': 'missing out',
    'torch.neg': 'missing input,out',
    'torch.negative': 'missing input,out',
    'torch.nonzero': 'missing input',
    'torch.norm': 'missing input,out',
    'torch.not_equal': 'missing out',
    'torch.permute': 'missing dims,input',
    'torch.positive': 'missing input',
    'torch.pow': 'missing out,self',
    'torch.prod': 'missing input',
    'torch.rad2deg': 'missing input,out',
    'torch.real': 'missing input',
    'torch.reciprocal': 'missing input,out',
    'torch.remainder': 'missing out',
    'torch.reshape': 'missing input,shape',
    'torch.round': 'missing input,out',
    'torch.rsqrt': 'missing input,out',
    'torch.scatter': 'missing input; extra reduce,value',
    'torch.scatter_add': 'missing input',
    'torch.select': 'missing input',
    'torch.sigmoid': 'missing input,out',
    'torch.sign': 'missing input,out',
    'torch.sin': 'missing input,out',
    'torch.sinh': 'missing input,out',
    'torch.split': 'missing tensor; extra x',
    'torch.sqrt': 'missing input,out',
    'torch.square': 'missing input,out',
    'torch.squeeze': 'missing input',
    'torch.std': 'missing input,out; extra unbiased',
    'torch.sum': 'missing input',
    'torch.swapaxes': 'missing axis0,axis1,input; extra dim0,dim1',
    'torch.swapdims': 'missing input',
    'torch.t': 'missing input',
    'torch.tan': 'missing input,out',
    'torch.tanh': 'missing input,out',
    'torch.tile': 'missing dims,input',
    'torch.transpose': 'missing input',
    'torch.true_divide': 'missing dividend,divisor; extra input,other,rounding_mode',
    'torch.trunc': 'missing input,out',
    'torch.unbind': 'missing input',
    'torch.unflatten': 'missing input',
    'torch.unsqueeze': 'missing input',
    'torch.var': 'missing input,out; extra _name,_sqrt,unbiased',
    'torch.view_as_complex': 'missing input',
    'torch.view_as_real': 'missing input',
    'torch.where': 'missing input,other,out; extra y',
}


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
