"""Tensor methods and operators: each is a one-line forward to an op.

Kept apart from _tensor.py so the Tensor class itself stays small: this table is the
whole method surface, and every entry points at the single definition in ops/.
"""
from . import _random
from ._layout import strided
from ._tensor import Tensor
from .ops import complex_views as cplx, decompositions as dec, linalg_ops as la
from .ops import advanced_indexing as adv, joining as jn
from .autograd import graph as _graph
from .ops import (autograd_ops, conversion, copy, elementwise as ew, indexing, reductions as red,
                  views)
from . import _creation  # after ops: ops/__init__ imports _creation's factories
from .ops import composite as cmp
from .ops import ndarray_operands  # t + np.ndarray follows NumPy's rules, as in torch
from .ops import shape_args, sorting, tensor_algebra as talg


def _reflect(fn):
    return lambda self, other: fn(other, self)


def _commuted(fn):
    return lambda self, other: fn(self, other)


def _invert(self):
    """~x: logical not of a bool tensor, bitwise not of an integer one."""
    if self.dtype.category >= 2:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return ew.logical_not(self) if self.dtype.name == "bool" else ew.bitwise_not(self)


def _equality(fn):
    """== and != with an operand torch cannot compare (None, a string) give False / True
    through Python's fallback instead of an error."""
    def method(self, other):
        from .ops._common import is_scalar
        if not (isinstance(other, Tensor) or is_scalar(other)):
            return NotImplemented
        return fn(self, other)
    return method


def _inplace_op(fn):
    def method(self, other):
        return fn(self, other)
    return method


# torch's Tensor methods take no out= (x.exp(out=y) is a TypeError) while the torch.*
# functions do: each method here is its function without out.
def _unary_method(fn):
    """x.fn(): the op's own method twin where it has one (no extra call), else a forward."""
    method = getattr(fn, "method", None)
    if method is None:
        def method(self):
            return fn(self)
        method.__name__ = fn.__name__
    return method


def _binary_method(fn):
    def method(self, other):
        return fn(self, other)
    method.__name__ = fn.__name__
    return method


def _add(self, other, *, alpha=1):
    return ew.add(self, other, alpha=alpha)


def _sub(self, other, *, alpha=1):
    return ew.sub(self, other, alpha=alpha)


def _div(self, other, *, rounding_mode=None):
    return ew.div(self, other, rounding_mode=rounding_mode)


def _pow(self, exponent):
    return ew._pow(self, exponent)


def _clamp(self, min=None, max=None):
    return ew.clamp(self, min, max)


def _round(self, *, decimals=0):
    return ew.round(self, decimals=decimals)


def _where(self, condition, other):
    return ew.where(condition, self, other)


def _mm(self, mat2):
    return la.mm(self, mat2)


def _addmm(self, mat1, mat2, *, beta=1, alpha=1):
    return la.addmm(self, mat1, mat2, beta=beta, alpha=alpha)


def _mv(self, vec):
    return la.mv(self, vec)


def _bmm(self, mat2):
    return la.bmm(self, mat2)


def _dot(self, tensor):
    return la.dot(self, tensor)


def _matmul(self, other):
    return la.matmul(self, other)


def _outer(self, vec2):
    return la.outer(self, vec2)


def _inner(self, other):
    return la.inner(self, other)


def _inverse(self):
    return dec.inverse(self)


def _addcmul(self, tensor1, tensor2, *, value=1):
    return cmp.addcmul(self, tensor1, tensor2, value=value)


def _addcdiv(self, tensor1, tensor2, *, value=1):
    return cmp.addcdiv(self, tensor1, tensor2, value=value)


def _index_add(self, dim, index, source, *, alpha=1):
    return jn.index_add(self, dim, index, source, alpha=alpha)


def _masked_select(self, mask):
    return jn.masked_select(self, mask)


def _aminmax(self, *, dim=None, keepdim=False):
    return red.aminmax(self, dim=dim, keepdim=keepdim)


def _sum(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=False):
    return red.sum(self, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)


def _lerp(self, end, weight):
    return cmp.lerp(self, end, weight)


def _split(self, split_size, dim=0):
    return jn.split(self, split_size, dim)


def _det(self):
    return dec.det(self)


def _gather(self, dim, index, *, sparse_grad=False):
    return jn.gather(self, dim, index, sparse_grad=sparse_grad)


def _index_select(self, dim, index):
    return jn.index_select(self, dim, index)


def _nonzero(self, *, as_tuple=False):
    return jn.nonzero(self, as_tuple=as_tuple)


def _softmax(self, dim, dtype=None):
    from .nn.functional import softmax
    return softmax(self, dim, dtype=dtype)


def _log_softmax(self, dim, dtype=None):
    from .nn.functional import log_softmax
    return log_softmax(self, dim, dtype=dtype)


def _pin_memory(self, device=None):
    """x.pin_memory(): numtensor has no pinned allocator.  Without an accelerator it
    refuses as PyTorch's CPU build does; with one it returns a dense copy (what PyTorch's
    pinned copy holds), not pinned.  device is deprecated in PyTorch, which warns twice
    (its pin_memory asks is_pinned(device))."""
    import warnings
    from . import accelerator, cuda
    from ._device import as_device
    from ._layout import contiguous_format
    if device is not None:
        for name in ("pin_memory", "is_pinned"):
            warnings.warn(f"The argument 'device' of Tensor.{name}() is deprecated. Please do "
                          "not pass this argument.", DeprecationWarning, stacklevel=2)
    if self.device.type != "cpu":
        raise RuntimeError(f"cannot pin '{self.type()}' only dense CPU tensors can be pinned")
    kind = None if device is None or isinstance(device, int) else as_device(device).type
    if kind == "cpu":
        raise RuntimeError("CPU device type not an accelerator.")
    if kind == "cuda":
        cuda._require_available()
    if not accelerator.is_available():
        raise RuntimeError(accelerator._NONE_AVAILABLE)
    return self.clone(memory_format=contiguous_format)


METHODS = {
    # element-wise
    "add": _add, "sub": _sub, "mul": _binary_method(ew.mul), "div": _div,
    "true_divide": _binary_method(ew.true_divide), "divide": _div,
    "multiply": _binary_method(ew.mul), "subtract": _sub,
    **{name: _binary_method(getattr(ew, name)) for name in (
        "floor_divide", "remainder", "fmod", "atan2", "maximum", "minimum", "eq", "ne", "lt",
        "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and",
        "bitwise_or", "bitwise_xor")},
    "greater": _binary_method(ew.gt), "greater_equal": _binary_method(ew.ge),
    "less": _binary_method(ew.lt), "less_equal": _binary_method(ew.le),
    "not_equal": _binary_method(ew.ne), "pow": _pow, "where": _where,
    **{name: _unary_method(getattr(ew, name)) for name in (
        "logical_not", "bitwise_not", "neg", "abs", "exp", "expm1", "log", "log2", "log10",
        "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
        "tanh", "sigmoid", "floor", "ceil", "trunc", "sign", "reciprocal", "square")},
    "negative": _unary_method(ew.neg), "absolute": _unary_method(ew.abs),
    "arcsin": _unary_method(ew.asin), "arccos": _unary_method(ew.acos),
    "arctan": _unary_method(ew.atan), "fix": _unary_method(ew.trunc),
    "clamp": _clamp, "clip": _clamp, "round": _round,
    "conj": ew.conj, "conj_physical": ew.conj, "resolve_conj": ew.resolve_conj,
    "is_conj": ew.is_conj, "relu": ew.relu, "isnan": ew.isnan, "isinf": ew.isinf,
    "isfinite": ew.isfinite, "bitwise_and_": ew.bitwise_and_, "bitwise_or_": ew.bitwise_or_,
    "bitwise_xor_": ew.bitwise_xor_,
    "add_": ew.add_, "sub_": ew.sub_, "mul_": ew.mul_, "div_": ew.div_, "pow_": ew.pow_,
    "remainder_": ew.remainder_, "floor_divide_": ew.floor_divide_, "neg_": ew.neg_,
    "abs_": ew.abs_, "exp_": ew.exp_, "log_": ew.log_, "sqrt_": ew.sqrt_, "sin_": ew.sin_,
    "cos_": ew.cos_, "tanh_": ew.tanh_, "sigmoid_": ew.sigmoid_, "relu_": ew.relu_,
    "clamp_": ew.clamp_, "clip_": ew.clamp_, "floor_": ew.floor_, "ceil_": ew.ceil_,
    "round_": ew.round_, "trunc_": ew.trunc_, "reciprocal_": ew.reciprocal_, "sign_": ew.sign_,
    "square_": ew.square_,
    # reductions
    "sum": _sum, "mean": red.mean_method, "prod": red.prod, "amax": red.amax_method,
    "amin": red.amin_method, "argmax": red.argmax, "argmin": red.argmin,
    "max": red.max_method, "min": red.min_method, "var": red.var_method,
    "std": red.std_method, "norm": red.norm_method, "dist": red.dist, "logsumexp": red.logsumexp,
    "cumsum": red.cumsum_method, "cumprod": red.cumprod_method, "all": red.all_method,
    "any": red.any_method,
    "equal": red.equal, "count_nonzero": red.count_nonzero, "aminmax": _aminmax,
    # views
    "view": views.view, "view_as": views.view_as, "reshape": shape_args.reshape_method,
    "reshape_as": views.reshape_as, "flatten": views.flatten, "unflatten": views.unflatten,
    "permute": shape_args.permute_method, "transpose": views.transpose,
    "swapaxes": views.swapaxes,
    "swapdims": views.transpose, "t": views.t, "expand": shape_args.expand_method,
    "expand_as": views.expand_as, "broadcast_to": views.broadcast_to, "narrow": views.narrow,
    "select": views.select, "squeeze": views.squeeze, "unsqueeze": views.unsqueeze,
    "as_strided": views.as_strided, "detach": views.detach, "detach_": views.detach_,
    "transpose_": views.transpose_, "t_": views.t_, "squeeze_": views.squeeze_,
    "unsqueeze_": views.unsqueeze_, "as_strided_": views.as_strided_, "set_": views.set_, "movedim": views.movedim,
    "moveaxis": views.movedim, "unfold": views.unfold, "is_contiguous": views.is_contiguous_,
    # copies and conversions
    "clone": copy.clone, "contiguous": copy.contiguous, "copy_": copy.copy_, "fill_": copy.fill_,
    "zero_": copy.zero_, "to": conversion.to, "cpu": conversion.cpu, "cuda": conversion.cuda,
    "float": conversion.float_, "double": conversion.double, "half": conversion.half,
    "long": conversion.long, "int": conversion.int_, "short": conversion.short,
    "char": conversion.char, "byte": conversion.byte, "bool": conversion.bool_,
    "type_as": conversion.type_as, "numpy": conversion.numpy, "tolist": conversion.to_python_list,
    "item": conversion.item,
    # matrix products
    "matmul": _matmul, "mm": _mm, "addmm": _addmm, "mv": _mv, "bmm": _bmm, "dot": _dot,
    "outer": _outer, "ger": _outer, "inner": _inner, "inverse": _inverse, "det": _det,
    # joining, splitting and index-driven ops
    "split": _split, "chunk": jn.chunk, "unbind": jn.unbind, "index_select": _index_select,
    "repeat": jn.repeat, "tile": shape_args.tile_method, "flip": shape_args.flip_method,
    "fliplr": jn.fliplr, "roll": jn.roll,
    "flipud": jn.flipud, "masked_fill": jn.masked_fill, "masked_fill_": jn.masked_fill_,
    "masked_select": _masked_select, "gather": _gather, "scatter": jn.scatter,
    "scatter_": jn.scatter_, "scatter_add": jn.scatter_add, "scatter_add_": jn.scatter_add_,
    "index_add": _index_add, "index_add_": jn.index_add_, "nonzero": _nonzero,
    "argwhere": jn.argwhere, "index_put_": adv.index_put_, "index_put": adv.index_put,
    # compositions and aliases
    "isclose": cmp.isclose, "allclose": cmp.allclose, "clamp_min": cmp.clamp_min,
    "clamp_max": cmp.clamp_max, "clamp_min_": cmp.clamp_min_, "clamp_max_": cmp.clamp_max_,
    "addcmul": _addcmul, "addcdiv": _addcdiv, "addcmul_": cmp.addcmul_,
    "addcdiv_": cmp.addcdiv_, "lerp": _lerp, "lerp_": cmp.lerp_,
    "exp2": _unary_method(cmp.exp2), "positive": cmp.positive,
    "deg2rad": _unary_method(cmp.deg2rad), "rad2deg": _unary_method(cmp.rad2deg),
    "multinomial": _random.multinomial_method,
    # fresh tensors like self
    "new_tensor": _creation.new_tensor, "new_empty": _creation.new_empty,
    "new_zeros": _creation.new_zeros, "new_ones": _creation.new_ones,
    "new_full": _creation.new_full,
    # random fills
    "uniform_": _random.uniform_, "normal_": _random.normal_, "random_": _random.random_,
    "bernoulli_": _random.bernoulli_, "exponential_": _random.exponential_,
    "bernoulli": _random.bernoulli_method,
    # autograd
    "requires_grad_": autograd_ops.requires_grad_, "backward": autograd_ops.backward,
    "retain_grad": autograd_ops.retain_grad, "register_hook": autograd_ops.register_hook,
    "register_post_accumulate_grad_hook": _graph.register_post_accumulate_grad_hook,
    # sorting, searching and counting
    "sort": sorting.sort_method, "argsort": sorting.argsort, "msort": sorting.msort_method,
    "topk": sorting.topk_method, "kthvalue": sorting.kthvalue_method, "unique": sorting.unique,
    "unique_consecutive": sorting.unique_consecutive, "bincount": sorting.bincount,
    "histc": sorting.histc_method,
    # diagonals, triangles, products of indices
    "diagonal": talg.diagonal, "diag": talg.diag_method, "diag_embed": talg.diag_embed,
    "tril": talg.tril_method, "triu": talg.triu_method, "tril_": talg.tril_, "triu_": talg.triu_,
    "trace": talg.trace, "cross": talg.cross_method,
    # nn.functional forms that PyTorch also has as methods
    "softmax": _softmax, "log_softmax": _log_softmax,
    # pinned memory (numtensor has no pinned allocator)
    "pin_memory": _pin_memory,
}

# torch's __radd__ and __rmul__ are self.add(other) and self.mul(other): `2 * x` records
# x as the node's first input, as `x * 2` does (grad_fn.next_functions)
OPERATORS = {
    "__add__": ew.add, "__radd__": _commuted(ew.add), "__iadd__": ew.add_,
    "__sub__": ew.sub, "__rsub__": _commuted(ew.rsub), "__isub__": ew.sub_,
    "__mul__": ew.mul, "__rmul__": _commuted(ew.mul), "__imul__": ew.mul_,
    "__truediv__": ew.div, "__rtruediv__": lambda self, other: ew.mul(ew.reciprocal(self), other),  # as torch
    "__itruediv__": ew.div_,
    "__floordiv__": ew.floor_divide, "__rfloordiv__": _reflect(ew.floor_divide),
    "__ifloordiv__": ew.floor_divide_,
    "__mod__": ew.remainder, "__rmod__": _reflect(ew.remainder), "__imod__": ew.remainder_,
    "__pow__": ew._pow, "__rpow__": _reflect(ew._pow), "__ipow__": ew.pow_,
    "__neg__": ew.neg, "__pos__": lambda self: self, "__abs__": ew.abs,
    "__invert__": _invert,
    "__and__": ew.bitwise_and, "__rand__": _reflect(ew.bitwise_and), "__iand__": ew.bitwise_and_,
    "__ior__": ew.bitwise_or_, "__ixor__": ew.bitwise_xor_,
    "__or__": ew.bitwise_or, "__ror__": _reflect(ew.bitwise_or),
    "__xor__": ew.bitwise_xor, "__rxor__": _reflect(ew.bitwise_xor),
    "__eq__": _equality(ew.eq), "__ne__": _equality(ew.ne), "__lt__": ew.lt, "__le__": ew.le, "__gt__": ew.gt,
    "__ge__": ew.ge,
    "__getitem__": indexing.getitem, "__setitem__": indexing.setitem,
    "__matmul__": la.matmul_operator, "__rmatmul__": la.rmatmul_operator,
}

PROPERTIES = {
    "T": views.matrix_T,
    "mT": views.mT, "mH": views.mH, "H": views.matrix_H,
    "real": cplx.real,
    "imag": cplx.imag,
    "data": (views.detach, views.set_data),
    "layout": lambda self: strided,  # numtensor's only layout
    "output_nr": lambda self: self._output_nr,
    # dense tensors on the CPU or a CUDA device: none of PyTorch's other kinds
    **{name: lambda self: False for name in (
        "is_meta", "is_mkldnn", "is_quantized", "is_sparse", "is_sparse_csr", "is_nested",
        "is_xla", "is_xpu", "is_ipu", "is_vulkan", "is_maia", "is_mtia", "is_mps")},
}


def install():
    from .ops import inplace_twins
    from ._lazy_ops import install_placeholders
    assert not set(inplace_twins.METHODS) & set(METHODS)
    install_placeholders(Tensor)  # the rarer ops' methods, loaded on first use
    for name, fn in {**METHODS, **inplace_twins.METHODS,
                     **ndarray_operands.wrap(OPERATORS)}.items():
        setattr(Tensor, name, fn)
    for name, fn in PROPERTIES.items():
        if isinstance(fn, tuple):
            setattr(Tensor, name, property(*fn))
        else:
            setattr(Tensor, name, property(fn))
    Tensor.__hash__ = lambda self: id(self)
