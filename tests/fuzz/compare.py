"""Run one program on numtensor and on torch and list how they disagree.

Compared: the exception type (or that only one raised), the result's type, dtype,
shape and values, the input x afterwards (in-place ops, and ops that raised), and for
float64 programs made of differentiable ops the gradient of the leaf under x.
"""
import warnings

import numpy as np
import torch

import numtensor as nt

TOLERANCE = {"float16": (1e-2, 1e-2), "float32": (1e-4, 1e-5), "float64": (1e-9, 1e-12),
             "complex64": (1e-4, 1e-5), "complex128": (1e-9, 1e-12)}


class Disagreement:
    def __init__(self, kind, detail):
        self.kind, self.detail = kind, detail  # kind: exception, result, input, grad

    def __repr__(self):
        return f"{self.kind}: {self.detail}"


def execute(lib, source):
    ns = {"torch": lib, "nan": float("nan"), "inf": float("inf")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(source, ns)  # noqa: S102 - the program is generated here
            return ns, None
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return ns, e


def _plain(value):
    """A comparable form: tensors as (dtype name, shape, ndarray); tuples element-wise."""
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (torch.Tensor, nt.Tensor)):
        if isinstance(value, torch.Tensor):
            shown = value.detach().resolve_conj()
            if shown.dtype is torch.complex32:  # NumPy has no complex half: its values widened
                shown = shown.to(torch.complex64)
            arr = shown.numpy()
        else:
            arr = value.detach().numpy()
        return ("tensor", str(value.dtype).replace("torch.", ""), tuple(value.shape), np.array(arr))
    if isinstance(value, (torch.Size, nt.Size)):
        return ("size", tuple(value))
    return value


def _same_values(a, b, dtype):
    if a.shape != b.shape:
        return False
    if dtype in TOLERANCE:
        rtol, atol = TOLERANCE[dtype]
        a, b = a.astype(np.complex128 if "complex" in dtype else np.float64), \
            b.astype(np.complex128 if "complex" in dtype else np.float64)
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
    return bool(np.array_equal(a, b))


def differences(want, got, where):
    """Ways the plain values `got` (numtensor) and `want` (torch) differ."""
    if isinstance(want, tuple) and want and want[0] == "tensor":
        if not (isinstance(got, tuple) and got and got[0] == "tensor"):
            return [Disagreement(where, f"torch gives a tensor, numtensor {type(got).__name__}")]
        out = []
        if got[1] != want[1]:
            out.append(Disagreement(where, f"dtype {got[1]} != torch's {want[1]}"))
        if got[2] != want[2]:
            out.append(Disagreement(where, f"shape {got[2]} != torch's {want[2]}"))
        elif got[1] == want[1] and not _same_values(got[3], want[3], want[1]):
            out.append(Disagreement(where, f"values {got[3].tolist()} != torch's {want[3].tolist()}"))
        return out
    if isinstance(want, tuple) and isinstance(got, tuple) and len(want) == len(got):
        return [d for w, g in zip(want, got) for d in differences(w, g, where)]
    if isinstance(want, float) and isinstance(got, float):
        ok = want == got or (want != want and got != got) or abs(want - got) <= 1e-6 * abs(want)
        return [] if ok else [Disagreement(where, f"{got!r} != torch's {want!r}")]
    if type(want) is not type(got) or want != got:
        return [Disagreement(where, f"{got!r} != torch's {want!r}")]
    return []


def compare(program):
    """All disagreements of one program (empty when numtensor behaves as torch)."""
    source = program.source()
    t_ns, t_err = execute(torch, source)
    n_ns, n_err = execute(nt, source)
    found = []
    if (t_err is None) != (n_err is None) or (t_err is not None and type(t_err) is not type(n_err)):
        found.append(Disagreement("exception", f"numtensor {_err(n_err)} where torch {_err(t_err)}"))
    elif t_err is None:
        found += differences(_plain(t_ns.get("out")), _plain(n_ns.get("out")), "result")
    if "x" in t_ns and "x" in n_ns:  # the input after the program, raised or not
        found += differences(_plain(t_ns["x"]), _plain(n_ns["x"]), "input")
    if program.grad_capable and t_err is None and not found:
        found += _compare_grads(program)
    return found


def _compare_grads(program):
    source = program.grad_source()
    t_ns, t_err = execute(torch, source)
    if t_err is not None and "does not require grad" in str(t_err):
        return []  # the result does not depend on x differentiably (e.g. an empty select)
    n_ns, n_err = execute(nt, source)
    if (t_err is None) != (n_err is None) or (t_err is not None and type(t_err) is not type(n_err)):
        return [Disagreement("grad", f"numtensor {_err(n_err)} where torch {_err(t_err)}")]
    if t_err is not None:
        return []
    return differences(_plain(t_ns["leaf"].grad), _plain(n_ns["leaf"].grad), "grad")


def _err(e):
    return "returns" if e is None else f"raises {type(e).__name__}({str(e)[:120]!r})"
