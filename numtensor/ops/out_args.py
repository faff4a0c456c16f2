"""The out= argument, handled as PyTorch's ops handle it.

An op given out= computes its result as usual, then finish() stores it:
  - out= ops record no gradient: with grad mode on, an argument (out included) that
    requires grad is an error (check_grad, called before the op computes anything);
  - out's dtype must suit the result, by the op's rule (PyTorch has several, below);
  - an out that is also one of the inputs must already have the result's shape (it is
    written in place); any other out takes the result's shape (copy.write_out, with
    PyTorch's deprecation warning when it held elements of another shape);
  - the op returns out itself.
Nothing here runs unless out= is given, so the ops' common path pays one `is None`.
"""
from .. import _dtype
from ..autograd.grad_mode import is_grad_enabled
from ._common import scalar_type_name, shape_str

# C++ names of the element types, as PyTorch's "Expected out tensor to have dtype ..." says
CPP_TYPE_NAME = {
    "bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
    "int32": "int", "int64": "long int", "float16": "c10::Half", "float32": "float",
    "float64": "double", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
}


def check_grad(fname, out, *inputs):
    """out= ops are not differentiable: refuse while autograd would have to record one."""
    if not is_grad_enabled():
        return
    for t in (out,) + inputs:
        if getattr(t, "_requires_grad", False):
            raise RuntimeError(f"{fname}(): functions with out=... arguments don't support "
                               f"automatic differentiation, but one of the arguments requires "
                               f"grad.")


# ---- dtype rules: each raises when out (of dtype `got`) cannot take a result of `want` ---
def castable(want, got, fname):
    """Element-wise ops: any dtype the result can be cast to (no float into int ...)."""
    if not _dtype.can_cast(want, got):
        raise RuntimeError(f"result type {scalar_type_name(want)} can't be cast to the desired "
                           f"output type {scalar_type_name(got)}")


def found(want, got, fname):
    """Ops that keep the input's dtype (abs, neg, floor, clamp with number bounds ...)."""
    if got is not want:
        raise RuntimeError(f"Found dtype {scalar_type_name(got)} but expected "
                           f"{scalar_type_name(want)}")


def exact(want, got, fname):
    """Ops whose out must have the result's dtype exactly (mm, gather, max(dim) ...)."""
    if got is not want:
        raise RuntimeError(f"Expected out tensor to have dtype {CPP_TYPE_NAME[want.name]}, but "
                           f"got {CPP_TYPE_NAME[got.name]} instead")


def same_as_input(want, got, fname):
    """amax and amin."""
    if got is not want:
        raise RuntimeError(f"Expected the dtype for input and out to match, but got "
                           f"{scalar_type_name(want)} for input's dtype and "
                           f"{scalar_type_name(got)} for out's dtype.")


def same_scalar_type(want, got, fname):
    """index_select and masked_select."""
    if got is not want:
        raise RuntimeError(f"{fname}(): self and result must have the same scalar type")


def logical(want, got, fname):
    """all and any write bool (or uint8) results only."""
    if got is not _dtype.bool_ and got is not _dtype.uint8:
        raise RuntimeError(f"{fname} only supports bool tensor for result, got: "
                           f"{scalar_type_name(got)}")


def where_rule(want, got, fname):
    if got is not want:
        raise RuntimeError(f"Expected out type to be {scalar_type_name(want)} but got "
                           f"{scalar_type_name(got)}")


def any_dtype(want, got, fname):
    """Reductions that compute in out's dtype (sum, prod, cumsum ...): the caller has
    already made the result in out's dtype."""


def finish(fname, result, out, inputs=(), rule=castable):
    """Store result into out (PyTorch's out= contract) and return out."""
    rule(result.dtype, out.dtype, fname)
    if tuple(out._shape) != tuple(result._shape) and any(out is x for x in inputs):
        # an input that is also the output is written in place: it cannot be resized
        raise RuntimeError(f"output with shape {shape_str(out._shape)} doesn't match the "
                           f"broadcast shape {shape_str(result._shape)}")
    from .copy import write_out
    return write_out(result, out)


def finish_pair(fname, result, out, rules=(exact, exact)):
    """out=(values, indices) of the ops that return two tensors (max(dim), sort ...)."""
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError(f"{fname}(): argument 'out' must be tuple of Tensors, not "
                        f"{type(out).__name__}")
    for part, o, rule in zip(result, out, rules):
        rule(part.dtype, o.dtype, fname)
    from .copy import write_out
    for part, o in zip(result, out):
        write_out(part, o)
    return type(result)(*out) if hasattr(result, "_fields") else tuple(out)
