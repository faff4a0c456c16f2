"""Bit shifts and integer/float odds and ends of PyTorch's math: bitwise_left_shift and
bitwise_right_shift (with the <<, >> operators), arctan2 (atan2's alias), ldexp,
nextafter, gcd and lcm, and torch.hardshrink / torch.prelu (nn.functional's).

The shifts run the scalar_ops "lshift"/"rshift" kernels; everything else is composed
from existing ops, so it runs on every backend: nextafter steps the float's bits (read
as an integer of its width, which also serves float16, whose kernels compute in
float32), gcd is Euclid's algorithm run on whole tensors until every pair is done.
"""
from .. import _alloc, _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..nn import functional as F
from . import elementwise as ew
from ._common import scalar_type_name
from .dispatch import run_elementwise
from .elementwise import _inplace_checks, _with_out
from .inplace import apply_inplace
from .inplace_twins import METHODS as _TWINS
from .out_args import castable
from .view_dtype import view_as_dtype

# the integer dtype whose bits nextafter steps, and the smallest positive subnormal
_BITS_OF = {"float16": (_dtype.int16, 2.0 ** -24), "float32": (_dtype.int32, 2.0 ** -149),
            "float64": (_dtype.int64, 2.0 ** -1074)}


def _not_implemented(kernel, dt):
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(dt)}'")


def _require_tensors(fname, input, other):
    """These torch ops take tensors only (no Python number)."""
    for position, (arg, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{fname}(): argument '{arg}' (position {position}) must be "
                            f"Tensor, not {type(value).__name__}")


def _check_castable(self, other, fname):
    """In-place forms: torch refuses a result self cannot hold before running the op."""
    if isinstance(self, Tensor):
        castable(_dtype.result_type(self, other), self.dtype, fname)


def _inplace(fn, self, other, sym):
    _inplace_checks(self, other, sym)
    _check_castable(self, other, fn.__name__)
    return apply_inplace(self, lambda cur: fn(cur, other), (other,))


# ---- shifts ------------------------------------------------------------------------------
def _shift(op, kernel, a, b):
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"bitwise_{op}_shift() received an invalid combination of arguments - "
                        f"got ({type(a).__name__}, {type(b).__name__})")
    dt = _dtype.result_type(a, b)
    if dt.category != 1:  # integers only: bool, float and complex have no kernel
        _not_implemented(f"{kernel}_cpu", dt)
    return run_elementwise(kernel, (a, b), dt, dt, params=(dt.itemsize * 8,))


def bitwise_left_shift(input, other, *, out=None):
    """input << other; counts below 0 or of the bit width or more give 0, as in torch."""
    if out is not None:
        return _with_out(bitwise_left_shift, out, castable, input, other)
    return _shift("left", "lshift", input, other)


def bitwise_right_shift(input, other, *, out=None):
    """input >> other (arithmetic); counts below 0 or of the bit width or more give the
    sign fill (0 or -1), as in torch."""
    if out is not None:
        return _with_out(bitwise_right_shift, out, castable, input, other)
    return _shift("right", "rshift", input, other)


def bitwise_left_shift_(self, other):
    return _inplace(bitwise_left_shift, self, other, "<<=")


def bitwise_right_shift_(self, other):
    return _inplace(bitwise_right_shift, self, other, ">>=")


# ---- arctan2 --------------------------------------------------------------------------
def arctan2(input, other, *, out=None):
    """Alias of atan2."""
    _require_tensors("arctan2", input, other)  # named as torch.arctan2 names itself
    return ew.atan2(input, other, out=out)


# ---- ldexp --------------------------------------------------------------------------------
def ldexp(input, other, *, out=None):
    """input * 2**other, in the promoted dtype moved to float (differentiable in both)."""
    _require_tensors("ldexp", input, other)
    if out is not None:
        return _with_out(ldexp, out, castable, input, other)
    dt = _dtype.result_type(input, other)
    if dt.category < 2:
        dt = _dtype.get_default_dtype()
    # 2**other in other's float dtype, the product then rounded once into dt: a float16
    # input times 2**20 stays finite when the result does (torch's answer too)
    return ew.mul(input, ew.pow(2.0, other)).to(dt)


def ldexp_(self, other):
    return _inplace(ldexp, self, other, "ldexp")


# ---- nextafter ------------------------------------------------------------------------
def nextafter(input, other, *, out=None):
    """The next float after input towards other (other itself where they are equal)."""
    _require_tensors("nextafter", input, other)
    if out is not None:
        return _with_out(nextafter, out, castable, input, other)
    dt = _dtype.result_type(input, other)
    if dt.name not in _BITS_OF:  # no integer, bool or complex kernel (nor bfloat16 here)
        _not_implemented("nextafter_cpu", dt)
    ints, tiny = _BITS_OF[dt.name]
    with no_grad():  # not differentiable in torch
        a, b = input.to(dt), other.to(dt)
        bits = view_as_dtype(a, ints)  # same element size: any layout reads as is
        # away from zero adds 1 to the magnitude bits, towards zero takes 1
        outward = ew.eq(ew.gt(b, a), ew.gt(a, 0))
        stepped = view_as_dtype(ew.add(bits, ew.where(outward, 1, -1).to(ints)), dt)
        tiny = _alloc.full((), tiny, dt, a.device)  # a Python float would be float32
        res = ew.where(ew.eq(a, 0), ew.where(ew.gt(b, 0), tiny, ew.neg(tiny)), stepped)
        res = ew.where(ew.eq(a, b), b, res)
        return ew.where(ew.logical_or(ew.isnan(a), ew.isnan(b)), float("nan"), res)


def nextafter_(self, other):
    return _inplace(nextafter, self, other, "nextafter")


# ---- gcd and lcm -----------------------------------------------------------------------
def _integer_dtype(fname, input, other):
    _require_tensors(fname, input, other)
    dt = _dtype.result_type(input, other)
    if dt.category != 1:
        _not_implemented(f"{fname}_cpu", dt)
    return dt


def _gcd(a, b):
    """Euclid on whole tensors, as torch's kernel runs it per element (C's truncating
    remainder, so that gcd(-2**63, 6) is -2 there and here)."""
    a, b = ew.abs(a), ew.abs(b)
    while ew.ne(a, 0).any().item():
        going = ew.ne(a, 0)
        a, b = ew.where(going, ew.fmod(b, ew.where(going, a, 1)), 0), ew.where(going, a, b)
    return b


def gcd(input, other, *, out=None):
    """The greatest common divisor, element-wise (integers only; gcd(0, 0) is 0)."""
    dt = _integer_dtype("gcd", input, other)
    if out is not None:
        return _with_out(gcd, out, castable, input, other)
    return _gcd(input.to(dt), other.to(dt)).to(dt)


def lcm(input, other, *, out=None):
    """The least common multiple, element-wise: |a / gcd * b|, 0 where gcd is 0."""
    dt = _integer_dtype("lcm", input, other)
    if out is not None:
        return _with_out(lcm, out, castable, input, other)
    a, b = input.to(dt), other.to(dt)
    g = _gcd(a, b).to(dt)
    quotient = ew.div(a, ew.where(ew.eq(g, 0), 1, g).to(dt), rounding_mode="trunc")
    # C promotes types narrower than int to int before the product and its abs: so
    # does this, and the result then wraps into dt as torch's does
    wide = _dtype.int32 if dt.itemsize < 4 else dt
    product = ew.abs(ew.mul(quotient.to(wide), b.to(wide)))
    return ew.where(ew.eq(g, 0), 0, product).to(dt)


def gcd_(self, other):
    return _inplace(gcd, self, other, "gcd")


def lcm_(self, other):
    return _inplace(lcm, self, other, "lcm")


# ---- nn.functional forms that torch also has at the top level ----------------------------
def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    return F.hardshrink(input, lambd)


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), one weight per channel (dim 1) or one for all."""
    return F.prelu(input, weight)


# ---- Tensor methods (no out=) -----------------------------------------------------------
def _method(fn, name):
    def method(self, other):
        return fn(self, other)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"See torch.{fn.__name__}()."
    return method


def _reflected(fn, name):
    def method(self, other):
        return fn(other, self)
    method.__name__ = method.__qualname__ = name
    return method


def _hardshrink_method(self, lambd=0.5):
    return hardshrink(self, lambd)


def _prelu_method(self, weight):
    return prelu(self, weight)


def _ilshift(self, other):
    return bitwise_left_shift_(self, other)


def _irshift(self, other):
    return bitwise_right_shift_(self, other)


METHODS = {
    "bitwise_left_shift": _method(bitwise_left_shift, "bitwise_left_shift"),
    "bitwise_left_shift_": bitwise_left_shift_,
    "bitwise_right_shift": _method(bitwise_right_shift, "bitwise_right_shift"),
    "bitwise_right_shift_": bitwise_right_shift_,
    "__lshift__": _method(bitwise_left_shift, "__lshift__"),
    "__rshift__": _method(bitwise_right_shift, "__rshift__"),
    "__rlshift__": _reflected(bitwise_left_shift, "__rlshift__"),
    "__rrshift__": _reflected(bitwise_right_shift, "__rrshift__"),
    "__ilshift__": _ilshift, "__irshift__": _irshift,
    "arctan2": _method(arctan2, "arctan2"), "arctan2_": _TWINS["atan2_"],
    "ldexp": _method(ldexp, "ldexp"), "ldexp_": ldexp_,
    "nextafter": _method(nextafter, "nextafter"), "nextafter_": nextafter_,
    "gcd": _method(gcd, "gcd"), "gcd_": gcd_, "lcm": _method(lcm, "lcm"), "lcm_": lcm_,
    "hardshrink": _hardshrink_method, "prelu": _prelu_method,
}
for _name, _fn in METHODS.items():
    if _name.endswith("_") and not _name.startswith("__") and _fn is not _TWINS["atan2_"]:
        _fn.__doc__ = f"See torch.{_name[:-1]}(); the trailing _ works in place."
_ilshift.__name__ = _ilshift.__qualname__ = "__ilshift__"
_irshift.__name__ = _irshift.__qualname__ = "__irshift__"
_hardshrink_method.__name__ = _hardshrink_method.__qualname__ = "hardshrink"
_prelu_method.__name__ = _prelu_method.__qualname__ = "prelu"

# torch has module-level gcd_, lcm_ and ldexp_ (not the others' in-place forms)
FUNCTIONS = {
    "bitwise_left_shift": bitwise_left_shift, "bitwise_right_shift": bitwise_right_shift,
    "arctan2": arctan2, "ldexp": ldexp, "nextafter": nextafter, "gcd": gcd, "lcm": lcm,
    "hardshrink": hardshrink, "prelu": prelu, "gcd_": gcd_, "lcm_": lcm_, "ldexp_": ldexp_,
}
