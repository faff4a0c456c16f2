"""How PyTorch's argument errors name a Python value's type."""

_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement


def python_type_name(value):
    """CPython's tp_name of type(value), which PyTorch's messages print: bare for builtins
    and classes written in Python, module-qualified for extension types (numpy.ndarray,
    numpy.float32)."""
    cls = type(value)
    if cls.__module__ == "builtins" or cls.__flags__ & _HEAP_TYPE:
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"
