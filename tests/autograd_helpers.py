"""Helpers for the autograd tests: leaves in several memory layouts, and one function
run on numtensor and on real torch with its gradients compared.

A test function is written once as fn(lib, *tensors) and runs unchanged on both
libraries, since numtensor copies torch's API.
"""
import numpy as np

import numtensor as nt

LAYOUTS = ("contiguous", "transposed", "sliced")


def leaf(lib, arr, layout="contiguous", requires_grad=True):
    """A leaf tensor with arr's values, laid out in memory as `layout` says.

    transposed: the values live in reversed-dim order (strides decreasing the wrong way);
    sliced: every other element of a wider buffer along the last dim (stride 2).
    Both are leaves (detached views), so their .grad is a gradient of that layout.
    """
    arr = np.asarray(arr, dtype=np.float64)
    if layout == "transposed" and arr.ndim >= 2:
        reversed_dims = tuple(range(arr.ndim - 1, -1, -1))
        t = lib.tensor(np.ascontiguousarray(arr.transpose(reversed_dims)))
        t = t.permute(*reversed_dims).detach()
    elif layout == "sliced" and arr.ndim >= 1:
        wide = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],))
        wide[..., ::2] = arr
        t = lib.tensor(wide)[..., ::2].detach()
    else:
        t = lib.tensor(arr)
    return t.requires_grad_(requires_grad)


def to_numpy(t):
    return None if t is None else t.detach().numpy()


def run_with_grads(lib, fn, arrays, layout="contiguous", grad_output_seed=1):
    """fn(lib, *leaves) then backward with a random grad_output; returns
    (output values, [leaf grads], output grad_fn name)."""
    leaves = [leaf(lib, a, layout) for a in arrays]
    out = fn(lib, *leaves)
    rng = np.random.default_rng(grad_output_seed)
    grad_output = lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=out.dtype)
    out.backward(grad_output)
    name = out.grad_fn.name() if out.grad_fn is not None else None
    return to_numpy(out), [to_numpy(t.grad) for t in leaves], name


def assert_grads_match_torch(torch, fn, arrays, layout="contiguous", atol=1e-7, rtol=1e-6,
                             check_name=True):
    """Same forward values, same gradients (and the same grad_fn name) as torch."""
    want_out, want_grads, want_name = run_with_grads(torch, fn, arrays, layout)
    got_out, got_grads, got_name = run_with_grads(nt, fn, arrays, layout)
    np.testing.assert_allclose(got_out, want_out, atol=atol, rtol=rtol)
    for k, (got, want) in enumerate(zip(got_grads, want_grads)):
        if want is None:
            assert got is None, f"input {k}: torch has no gradient, numtensor has {got}"
            continue
        assert got is not None, f"input {k}: numtensor has no gradient"
        np.testing.assert_allclose(got, want, atol=atol, rtol=rtol, err_msg=f"grad of input {k}")
    if check_name:
        assert got_name == want_name


def random_arrays(shapes, seed=0, positive=False):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    if positive:
        arrays = [np.abs(a) + 0.5 for a in arrays]
    return arrays
