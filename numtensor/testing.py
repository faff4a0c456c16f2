"""numtensor.testing.assert_close: PyTorch's comparison of tensors, numbers and nested
sequences/mappings of them, with its default tolerances and its failure messages.

The values are compared with numtensor ops (isclose, abs, argmax), so tensors on any
device compare where they are; only the few numbers of a failure message are read back.
"""
import collections.abc
import math
import numbers

from . import _dtype
from ._tensor import Tensor

__all__ = ["assert_close"]

# (rtol, atol) by dtype, as PyTorch's; exact comparison for the others
_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


class _Mismatch(Exception):
    """A failed comparison: the message, before the location of the failing item."""


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Raises AssertionError unless actual and expected are close (tensors: same shape,
    device and dtype, |actual - expected| <= atol + rtol * |expected| elementwise), as
    torch.testing.assert_close."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {'atol' if atol is None else 'rtol'}.")
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                   check_dtype=check_dtype, check_stride=check_stride)
    try:
        _compare(actual, expected, options, location="")
    except _Mismatch as failure:
        message, location = failure.args
        if callable(msg):
            message = msg(message)
        elif msg is not None:
            message = msg
        elif location:
            message += f"\n\nThe failure occurred for item {location}"
        raise AssertionError(message) from None


def _compare(actual, expected, options, location):
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return _compare_tensors(actual, expected, options, location)
    if _is_number(actual) and _is_number(expected):
        return _compare_numbers(actual, expected, options, location)
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected,
                                                                  collections.abc.Mapping):
        if set(actual) != set(expected):
            raise _Mismatch(f"The keys of the mappings do not match:\nMissing keys in the "
                            f"actual mapping: {sorted(set(expected) - set(actual), key=repr)}\n"
                            f"Additional keys in the actual mapping: "
                            f"{sorted(set(actual) - set(expected), key=repr)}", location)
        for key in expected:
            _compare(actual[key], expected[key], options, f"{location}[{key!r}]")
        return
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != "
                            f"{len(expected)}", location)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, options, f"{location}[{i}]")
        return
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                    f"{type(expected)}.")


def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, Tensor)


def _is_sequence(x):
    return isinstance(x, collections.abc.Sequence) and not isinstance(x, str)


def _check_attribute(name, a, e, location):
    if a != e:
        raise _Mismatch(f"The values for attribute '{name}' do not match: {a} != {e}.", location)


def _tolerances(dtypes, options):
    if options["rtol"] is not None:
        return options["rtol"], options["atol"]
    pairs = [_TOLERANCES.get(dt.name, (0.0, 0.0)) for dt in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _compare_tensors(actual, expected, options, location):
    _check_attribute("shape", actual.shape, expected.shape, location)
    if options["check_device"]:
        _check_attribute("device", actual.device, expected.device, location)
    else:
        actual = actual.cpu()
        expected = expected.cpu()
    if options["check_dtype"]:
        _check_attribute("dtype", actual.dtype, expected.dtype, location)
    if options["check_stride"]:
        _check_attribute("stride()", actual.stride(), expected.stride(), location)
    rtol, atol = _tolerances({actual.dtype, expected.dtype}, options)
    actual, expected = actual.detach(), expected.detach()
    if actual.dtype is not expected.dtype:
        common = _dtype.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(common), expected.to(common)
    if actual.numel() == 0:
        return
    from .ops.composite import isclose
    close = isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=options["equal_nan"])
    mismatched = actual.numel() - int(close.sum().item())
    if mismatched and actual.ndim == 0:  # PyTorch reports a 0-d tensor as a scalar
        raise _Mismatch(_number_message(actual.item(), expected.item(), rtol, atol), location)
    if mismatched:
        raise _Mismatch(_tensor_message(actual, expected, mismatched, rtol, atol), location)


def _tensor_message(actual, expected, mismatched, rtol, atol):
    exact = rtol == 0 and atol == 0
    if actual.dtype.is_floating_point or actual.dtype.is_complex:
        difference = (actual - expected).abs()
        scale = expected.abs()
    else:  # integers and bools: the differences as integers, the ratios in float
        difference = (actual.to(_dtype.int64) - expected.to(_dtype.int64)).abs()
        scale = expected.to(_dtype.int64).abs().to(_dtype.float32)
    relative = difference.to(scale.dtype) / scale
    total = actual.numel()
    lines = [f"Tensor-likes are not {'equal' if exact else 'close'}!", "",
             f"Mismatched elements: {mismatched} / {total} ({mismatched / total:.1%})"]
    for kind, values, allowed in (("absolute", difference, atol), ("relative", relative, rtol)):
        flat = values.reshape(-1)
        at = int(flat.argmax().item())
        line = (f"Greatest {kind} difference: {flat[at].item()} at index "
                f"{_unravel(at, actual.shape)}")
        lines.append(line if exact else f"{line} (up to {allowed} allowed)")
    return "\n".join(lines)


def _unravel(flat_index, shape):
    index = []
    for size in reversed(shape):
        index.append(flat_index % size)
        flat_index //= size
    return tuple(reversed(index))


def _compare_numbers(actual, expected, options, location):
    if options["check_dtype"] and type(actual) is not type(expected):
        raise _Mismatch(f"The (d)types do not match: {type(actual)} != {type(expected)}.",
                        location)
    kinds = {type(actual), type(expected)}
    if options["rtol"] is not None:
        rtol, atol = options["rtol"], options["atol"]
    elif kinds & {float, complex}:
        rtol, atol = _TOLERANCES["float64"]
    else:
        rtol, atol = 0.0, 0.0
    if actual == expected or (options["equal_nan"] and _is_nan(actual) and _is_nan(expected)):
        return
    if abs(actual - expected) <= atol + rtol * abs(expected):
        return
    raise _Mismatch(_number_message(actual, expected, rtol, atol), location)


def _number_message(actual, expected, rtol, atol):
    difference = abs(actual - expected)
    exact = rtol == 0 and atol == 0
    relative = difference / abs(expected) if expected != 0 else math.inf
    lines = [f"Scalars are not {'equal' if exact else 'close'}!", "",
             f"Expected {expected} but got {actual}."]
    if exact:
        lines += [f"Absolute difference: {difference}", f"Relative difference: {relative}"]
    else:
        lines += [f"Absolute difference: {difference} (up to {atol} allowed)",
                  f"Relative difference: {relative} (up to {rtol} allowed)"]
    return "\n".join(lines)


def _is_nan(x):
    return x != x
