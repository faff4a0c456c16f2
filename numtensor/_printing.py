"""Text form of tensors and storages, matching PyTorch's printed output.

The rules reproduced here (widths, fixed vs scientific notation, wrapping,
summarisation with ``...``, where suffixes go) are those of PyTorch 2.x.  Only
NumPy is used: the caller hands over the values already on the host.

Pipeline for ``format_array``:
  1. summarise: keep only the edge items of every long axis, so huge arrays
     cost no more than small ones;
  2. build one formatter (two for complex: real and imaginary parts) that
     decides the notation and the common width from the kept values;
  3. render nested brackets recursively, wrapping rows to the line width;
  4. append the suffixes (device, dtype, size, grad info).
"""
import contextlib
import math

import numpy as np

__all__ = ["format_array", "format_scalar_column", "tensor_repr", "set_printoptions",
           "get_printoptions"]


# ---------------------------------------------------------------------------
# print options
# ---------------------------------------------------------------------------

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}

_OPTS = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Sets how tensors print: digits after the point, the element count above which a
    tensor is summarised, the items kept at each edge then, the line width, scientific
    notation (None: automatic), or a whole profile ('default', 'short', 'full')."""
    if profile in _PROFILES:  # torch ignores an unknown profile name
        _OPTS.update(_PROFILES[profile])
    for key, value in (("precision", precision), ("threshold", threshold),
                       ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _OPTS[key] = value
    # PyTorch always overwrites sci_mode, so passing nothing resets it to automatic.
    _OPTS["sci_mode"] = sci_mode


def get_printoptions():
    """The current print options, as a dict (torch._tensor_str.get_printoptions)."""
    return dict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Sets print options for the block, then restores the previous ones."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# dtypes whose name is left out of the repr of a non-empty tensor
_IMPLICIT_DTYPES = frozenset({"float32", "int64", "bool", "complex64"})
_FLOAT_NAMES = frozenset({"float16", "float32", "float64"})
_COMPLEX_NAMES = frozenset({"complex64", "complex128"})


# ---------------------------------------------------------------------------
# element formatting
# ---------------------------------------------------------------------------

class _Formatter:
    """Chooses notation and common width for one set of real (or int/bool) values."""

    def __init__(self, data, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        precision = _OPTS["precision"]
        flat = np.asarray(data).reshape(-1)

        if not floating:
            if flat.size:
                self.max_width = max(len(str(v)) for v in flat.tolist())
        else:
            flat = flat.astype(np.float64)
            # Only non-zero finite values drive the choice; nan/inf/0 just get padded.
            shown = flat[np.isfinite(flat) & (flat != 0)]
            if shown.size:
                self._measure(shown, precision)

    def _measure(self, shown, precision):
        magnitudes = np.abs(shown)
        lo, hi = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        wide_range = hi / lo > 1000.0 or hi > 1.0e8
        self.sci_mode = wide_range or (not self.int_mode and lo < 1.0e-4)
        # a forced notation also decides the widths (all-zero/nan data never gets here)
        if _OPTS["sci_mode"] is not None:
            self.sci_mode = _OPTS["sci_mode"]

        values = shown.tolist()
        if self.sci_mode:
            widths = (len(f"{v:.{precision}e}") for v in values)
        elif self.int_mode:
            # room for the trailing "." that integral floats get
            widths = (len(f"{v:.0f}") + 1 for v in values)
        else:
            widths = (len(f"{v:.{precision}f}") for v in values)
        self.max_width = max(self.max_width, max(widths))

    def width(self):
        return self.max_width

    def format(self, value):
        precision = _OPTS["precision"]
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{precision}f}"
        return text.rjust(self.max_width)


def _element_str(value, fmt_real, fmt_imag):
    """One element; complex numbers glue the imaginary part on with its sign."""
    if fmt_imag is None:
        return fmt_real.format(value)
    real = fmt_real.format(value.real)
    imag = (fmt_imag.format(value.imag) + "j").lstrip()
    if imag[0] in "+-":
        return real + imag
    return real + "+" + imag


# ---------------------------------------------------------------------------
# layout
# ---------------------------------------------------------------------------

def _summarize(values, cut, edge):
    """Keep the first and last `edge` entries along every axis marked in `cut`."""
    if not any(cut):
        return values
    index = []
    for size, is_cut in zip(values.shape, cut):
        if is_cut:
            index.append(np.r_[0:edge, size - edge:size])
        else:
            index.append(np.arange(size))
    return values[np.ix_(*index)]


def _vector_str(row, is_cut, indent, fmt_real, fmt_imag):
    # each element takes its width plus ", "; complex adds the imaginary part and "j"
    element_length = fmt_real.width() + 2
    if fmt_imag is not None:
        element_length += fmt_imag.width() + 1
    per_line = max(1, math.floor((_OPTS["linewidth"] - indent) / element_length))

    items = [_element_str(v, fmt_real, fmt_imag) for v in row.tolist()]
    if is_cut:
        edge = _OPTS["edgeitems"]
        items = items[:edge] + [" ..."] + items[edge:]

    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(arr, cut, indent, fmt_real, fmt_imag):
    if arr.ndim == 0:
        return _element_str(arr.item(), fmt_real, fmt_imag)
    if arr.ndim == 1:
        return _vector_str(arr, cut[0], indent, fmt_real, fmt_imag)
    parts = [_nested_str(sub, cut[1:], indent + 1, fmt_real, fmt_imag) for sub in arr]
    if cut[0]:
        edge = _OPTS["edgeitems"]
        parts = parts[:edge] + ["..."] + parts[edge:]
    # deeper tensors get more blank lines between their blocks
    separator = "," + "\n" * (arr.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _body_str(values, dtype_name, indent):
    """The bracketed contents of a non-empty tensor."""
    edge = _OPTS["edgeitems"]
    summarize = values.size > _OPTS["threshold"]
    if summarize and not edge and values.ndim:
        return "[...]"
    cut = tuple(summarize and size > 2 * edge for size in values.shape)
    shown = _summarize(values, cut, edge)

    if dtype_name in _COMPLEX_NAMES:
        shown = shown.astype(np.complex128)
        fmt_real = _Formatter(shown.real, floating=True)
        fmt_imag = _Formatter(shown.imag, floating=True)
    else:
        shown = shown.astype(np.dtype(dtype_name), copy=False)
        fmt_real = _Formatter(shown, floating=dtype_name in _FLOAT_NAMES)
        fmt_imag = None
    return _nested_str(shown, cut, indent, fmt_real, fmt_imag)


def _add_suffixes(text, suffixes, indent):
    """Append ", suffix" entries, moving one to its own line when it would not fit."""
    parts = [text]
    # PyTorch's own measure of the last line (two more than its length when there is
    # no newline); kept as is because it decides where suffixes wrap.
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _OPTS["linewidth"]:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


# ---------------------------------------------------------------------------
# public entry points
# ---------------------------------------------------------------------------

def _shape_str(shape):
    return str(tuple(int(n) for n in shape))


def format_array(values, dtype_name, suffixes, device_suffix=None):
    """``repr`` of a tensor with these values and dtype, as PyTorch prints it.

    `suffixes` (e.g. "requires_grad=True") follow the dtype; `device_suffix`
    (e.g. "device='cuda:0'") precedes it, as in PyTorch.
    """
    values = np.asarray(values)
    prefix = "tensor("
    indent = len(prefix)
    extra = [device_suffix] if device_suffix else []

    if values.size == 0:
        # numpy-style: the shape is spelled out unless it is (0,), and the dtype
        # cannot be inferred from no elements, so anything but float32 is named.
        if values.ndim != 1:
            extra.append("size=" + _shape_str(values.shape))
        if dtype_name != "float32":
            extra.append("dtype=torch." + dtype_name)
        body = "[]"
    else:
        if not _OPTS["edgeitems"]:
            extra.append("size=" + _shape_str(values.shape))
        if dtype_name not in _IMPLICIT_DTYPES:
            extra.append("dtype=torch." + dtype_name)
        body = _body_str(values, dtype_name, indent)

    return _add_suffixes(prefix + body, extra + list(suffixes), indent)


def format_scalar_column(values, dtype):
    """Body of a storage's repr: each element on its own line after one space.

    `dtype` is a dtype name or an object with a ``.name``.  Elements print as
    Python scalars (``str``), so float32 values show their exact double value.
    Returns '' for an empty storage.
    """
    name = dtype if isinstance(dtype, str) else dtype.name
    flat = np.asarray(values).reshape(-1)
    if flat.size == 0:
        return ""
    flat = flat.astype(np.dtype(name), copy=False)
    return " " + "\n ".join(str(v) for v in flat.tolist())


def storage_repr(storage):
    """repr of a TypedStorage, as tensor.storage() prints in PyTorch."""
    body = format_scalar_column(storage.host_span(0, len(storage)), storage.dtype)
    head = (f"[torch.storage.TypedStorage(dtype={storage.dtype}, "
            f"device={storage.device}) of size {len(storage)}]")
    # torch prints a line holding one space above the header of an empty storage
    return (body if body else " ") + "\n" + head


def install():
    """Give Tensor and TypedStorage their repr (kept here so they import no printer)."""
    from ._storage import TypedStorage
    from ._tensor import Tensor
    TypedStorage.__repr__ = TypedStorage.__str__ = storage_repr
    Tensor.__repr__ = Tensor.__str__ = lambda self, *, tensor_contents=None: tensor_repr(self)


def tensor_repr(t):
    """The repr of a tensor, exactly as PyTorch prints it."""
    from .ops.conversion import host_values  # NumPy array of the tensor's values
    values = host_values(t)
    device_suffix = None
    if t.device.type == "cuda":
        device_suffix = f"device='{t.device}'"
    suffixes = []
    if t.grad_fn is not None:
        # torch prints the node's class name (name() is qualified for CopySlices ...)
        suffixes.append(f"grad_fn=<{t.grad_fn._name}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return format_array(values, t.dtype.name, suffixes, device_suffix)
