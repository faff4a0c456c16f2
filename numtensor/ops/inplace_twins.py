"""The in-place twins PyTorch gives ops defined out of place elsewhere (x.asin_(),
x.eq_(y), x.cumsum_(0), ...), and its module-level spellings of in-place ops
(torch.sin_(x), torch.clamp_(x, 0, 1), torch.zero_(x) ...).

Each twin computes its op out of place and writes the result into x through
inplace.apply_inplace, like the in-place ops of elementwise.py: the same leaf,
dtype-cast, overlap and version-counter rules, and a gradient where the op has one.
"""
from . import composite, elementwise as ew, linalg_ops, reductions as red, views
from .elementwise import _inplace_apply, _inplace_checks
from .inplace import apply_inplace


def _named(fn, name):
    fn.__name__ = fn.__qualname__ = name
    return fn


def _unary(fn, name):
    return _named(lambda self: _inplace_apply(self, fn), name)


def _binary(fn, sym, name):
    def method(self, other):
        _inplace_checks(self, other, sym)
        return apply_inplace(self, lambda cur: fn(cur, other), (other,))
    return _named(method, name)


UNARY = {name: _unary(fn, name) for name, fn in {
    "acos_": ew.acos, "arccos_": ew.acos, "asin_": ew.asin, "arcsin_": ew.asin,
    "atan_": ew.atan, "arctan_": ew.atan, "cosh_": ew.cosh, "sinh_": ew.sinh, "tan_": ew.tan,
    "exp2_": composite.exp2, "expm1_": ew.expm1, "log10_": ew.log10, "log1p_": ew.log1p,
    "log2_": ew.log2, "rsqrt_": ew.rsqrt, "deg2rad_": composite.deg2rad,
    "rad2deg_": composite.rad2deg, "bitwise_not_": ew.bitwise_not,
    "logical_not_": ew.logical_not}.items()}

BINARY = {name: _binary(fn, sym, name) for name, (fn, sym) in {
    "atan2_": (ew.atan2, "atan2"), "fmod_": (ew.fmod, "fmod"),
    "eq_": (ew.eq, "=="), "ne_": (ew.ne, "!="), "not_equal_": (ew.ne, "!="),
    "lt_": (ew.lt, "<"), "less_": (ew.lt, "<"), "le_": (ew.le, "<="),
    "less_equal_": (ew.le, "<="), "gt_": (ew.gt, ">"), "greater_": (ew.gt, ">"),
    "ge_": (ew.ge, ">="), "greater_equal_": (ew.ge, ">="),
    "logical_and_": (ew.logical_and, "logical_and"), "logical_or_": (ew.logical_or, "logical_or"),
    "logical_xor_": (ew.logical_xor, "logical_xor")}.items()}


def true_divide_(self, other):
    return ew.div_(self, other)


def cumsum_(self, dim, dtype=None):
    return _inplace_apply(self, lambda cur: red.cumsum(cur, dim, dtype=dtype))


def cumprod_(self, dim, dtype=None):
    return _inplace_apply(self, lambda cur: red.cumprod(cur, dim, dtype=dtype))


def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
    return apply_inplace(self, lambda cur: linalg_ops.addmm(cur, mat1, mat2, beta=beta,
                                                            alpha=alpha), (mat1, mat2))


def swapaxes_(self, axis0, axis1):
    return views.transpose_(self, axis0, axis1)


def swapdims_(self, dim0, dim1):
    return views.transpose_(self, dim0, dim1)


# Tensor methods: name -> function of (self, ...)
METHODS = {**UNARY, **BINARY, "absolute_": ew.abs_, "negative_": ew.neg_, "fix_": ew.trunc_,
           "divide_": ew.div_, "multiply_": ew.mul_, "subtract_": ew.sub_,
           "true_divide_": true_divide_, "cumsum_": cumsum_, "cumprod_": cumprod_,
           "addmm_": addmm_, "swapaxes_": swapaxes_, "swapdims_": swapdims_}


# ---- torch.fn_(input, ...): the module-level spellings --------------------------------
def _module_unary(name):
    def fn(input):
        return getattr(input, name)()
    fn.__doc__ = f"{name}(input): input.{name}(), {name[:-1]} computed in place; returns input."
    return _named(fn, name)


MODULE_UNARY = ("abs_", "acos_", "arccos_", "asin_", "arcsin_", "atan_", "arctan_", "ceil_",
                "cos_", "cosh_", "deg2rad_", "detach_", "exp_", "exp2_", "expm1_", "fix_",
                "floor_", "log_", "log10_", "log1p_", "log2_", "neg_", "negative_",
                "rad2deg_", "reciprocal_", "relu_", "rsqrt_", "sigmoid_", "sin_", "sinh_",
                "sqrt_", "square_", "tan_", "tanh_", "trunc_", "zero_")
FUNCTIONS = {name: _module_unary(name) for name in MODULE_UNARY}


def clamp_(input, min=None, max=None):
    """input.clamp_(min, max): input clamped to [min, max] in place."""
    return input.clamp_(min, max)


def clip_(input, min=None, max=None):
    """Alias of clamp_."""
    return input.clamp_(min, max)


def clamp_min_(input, min):
    """input.clamp_min_(min): input raised to at least min, in place."""
    return input.clamp_min_(min)


def clamp_max_(input, max):
    """input.clamp_max_(max): input lowered to at most max, in place."""
    return input.clamp_max_(max)


def round_(input, *, decimals=0):
    """input.round_(decimals=decimals): rounded in place (half to even)."""
    return input.round_(decimals=decimals)


def fill_(input, value):
    """input.fill_(value): every element set to value."""
    return input.fill_(value)


def index_put_(input, indices, values, accumulate=False):
    """input[indices] = values (or += with accumulate), in place."""
    return input.index_put_(indices, values, accumulate)


FUNCTIONS.update(clamp_=clamp_, clip_=clip_, clamp_min_=clamp_min_, clamp_max_=clamp_max_,
                 round_=round_, fill_=fill_, index_put_=index_put_)
