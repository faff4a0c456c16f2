"""dtypes, their aliases, and PyTorch's type-promotion rules.

A dtype is a small immutable object that knows its NumPy counterpart (the storage
format on the CPU), its category (bool < integer < floating < complex) and its
printed names.  Promotion follows PyTorch: tensors with dimensions outrank 0-d
tensors, which outrank Python scalars, but only within the same category.
"""
import numpy as np

# category ranks: a higher category always wins promotion
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    __slots__ = ("name", "np", "itemsize", "category", "is_signed", "_tensor_type",
                 "is_floating_point", "is_complex")

    def __init__(self, name, np_dtype, category, is_signed, tensor_type):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_signed = is_signed
        self._tensor_type = tensor_type
        # plain attributes (not properties): read on every op's hot path
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self):
        return {float64: complex128}.get(self, complex64) if self.category <= _FLOAT else self

    def __repr__(self):
        return "torch." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self.name,))


bool_ = dtype("bool", np.bool_, _BOOL, False, "BoolTensor")
uint8 = dtype("uint8", np.uint8, _INT, False, "ByteTensor")
int8 = dtype("int8", np.int8, _INT, True, "CharTensor")
int16 = dtype("int16", np.int16, _INT, True, "ShortTensor")
int32 = dtype("int32", np.int32, _INT, True, "IntTensor")
int64 = dtype("int64", np.int64, _INT, True, "LongTensor")
float16 = dtype("float16", np.float16, _FLOAT, True, "HalfTensor")
float32 = dtype("float32", np.float32, _FLOAT, True, "FloatTensor")
float64 = dtype("float64", np.float64, _FLOAT, True, "DoubleTensor")
complex64 = dtype("complex64", np.complex64, _COMPLEX, True, "ComplexFloatTensor")
complex128 = dtype("complex128", np.complex128, _COMPLEX, True, "ComplexDoubleTensor")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)
_BY_NUMPY = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}

# PyTorch's aliases, exported from the package namespace
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
    "int32": int32, "int": int32, "int64": int64, "long": int64,
    "float16": float16, "half": float16, "float32": float32, "float": float32,
    "float64": float64, "double": float64, "complex64": complex64, "cfloat": complex64,
    "complex128": complex128, "cdouble": complex128,
}


def _by_name(name):
    return _BY_NAME[name]


_default_float = [float32]


def get_default_dtype():
    """The default floating-point dtype (float32 unless set_default_dtype changed it)."""
    return _default_float[0]


def set_default_dtype(d, /):
    """Sets the default floating-point dtype (float32 or float64)."""
    if d not in (float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float[0] = d


def from_numpy_dtype(np_dtype):
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool."
        ) from None


def from_tensor_type(name):
    """The dtype of a legacy type string: 'torch.FloatTensor', 'torch.cuda.LongTensor'."""
    short = name.rsplit(".", 1)[-1]
    for d in ALL:
        if d._tensor_type == short:
            return d
    raise ValueError(f"invalid type: '{name}'")


def as_dtype(d):
    """Accept a numtensor dtype, a NumPy dtype/type or a Python type (float, int, bool)."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is complex:
        return complex128
    try:
        return _BY_NUMPY[np.dtype(d)]
    except (TypeError, KeyError, ValueError):
        raise TypeError(f"dtype must be a numtensor dtype, not {type(d).__name__}") from None


# ---- promotion ---------------------------------------------------------------
_INT_ORDER = (uint8, int8, int16, int32, int64)


def promote_types(type1, type2):
    """The smallest dtype that holds both (torch.promote_types)."""
    a, b = type1, type2
    if a is b:
        return a
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.category == _COMPLEX and lo is float64:
            return complex128
        return hi
    if a.category == _INT:
        if uint8 in (a, b):
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if _INT_ORDER.index(a) > _INT_ORDER.index(b) else b
    if a.category in (_FLOAT, _COMPLEX):
        return a if a.itemsize > b.itemsize else b
    return a


def scalar_dtype(value):
    """The dtype a Python scalar carries in promotion (a 'wrapped number')."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return get_default_dtype()
    if isinstance(value, (complex, np.complexfloating)):
        return complex128 if get_default_dtype() is float64 else complex64
    raise TypeError(f"unsupported operand type: {type(value).__name__}")


def _combine(higher, lower):
    # PyTorch's combine_categories: a lower-priority operand only matters when its
    # category is above the higher-priority one's.
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == _COMPLEX:
        return higher
    if lower.category == _COMPLEX:
        return higher.to_complex() if higher.category == _FLOAT else lower
    if higher.category == _FLOAT:
        return higher
    if higher is bool_ or lower.category == _FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """torch.result_type over tensors and Python scalars."""
    if len(operands) == 2:  # the common case, two tensors of one dtype, answered quickly
        a, b = operands
        da, db = getattr(a, "dtype", None), getattr(b, "dtype", None)
        if da is db and isinstance(da, dtype) and isinstance(b, type(a)):
            return da
    dim_res = zero_res = wrapped_res = None
    for x in operands:
        if hasattr(x, "dtype") and hasattr(x, "ndim") and not isinstance(x, np.generic):
            if x.ndim > 0:
                dim_res = x.dtype if dim_res is None else promote_types(dim_res, x.dtype)
            else:
                zero_res = x.dtype if zero_res is None else promote_types(zero_res, x.dtype)
        else:
            d = scalar_dtype(x)
            wrapped_res = d if wrapped_res is None else promote_types(wrapped_res, d)
    return _combine(dim_res, _combine(zero_res, wrapped_res))


def can_cast(src, dst):
    """torch.can_cast: same-kind casting (no float into int, no complex into real)."""
    return src.category <= dst.category or (dst is bool_ and False)
