"""A Python number as the second or third operand of a ternary element-wise op, with
strided (non-contiguous) tensor operands: the strided kernels once reused the name of
the third operand for their chunk loop, so `where(cond, x, 20.0)` on a strided x gave 0."""
import numpy as np
import pytest
import torch

import numtensor as nt

LAYOUTS = {
    "stepped": lambda L, a: L.tensor(a)[..., ::2],
    "transposed": lambda L, a: L.tensor(a).t(),
    "expanded": lambda L, a: L.tensor(a[:1]).expand(a.shape[0], -1),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("n", [6, 70000])  # one chunk; several (the parallel kernel)
@pytest.mark.parametrize("position", ["input", "other", "both"])
def test_where_with_a_number_on_strided_operands(layout, n, position):
    a = np.random.default_rng(n).standard_normal((4, n)).astype(np.float32)
    results = []
    for L in (nt, torch):
        x = LAYOUTS[layout](L, a)
        cond = x > 0.1
        if position == "input":
            r = L.where(cond, 20.0, x)
        elif position == "other":
            r = L.where(cond, x, 20.0)
        else:
            r = L.where(cond, -3.0, 20.0)
        results.append(r)
    assert str(results[0].dtype) == str(results[1].dtype)
    np.testing.assert_array_equal(results[0].numpy(), results[1].numpy())


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_where_with_a_strided_condition_and_a_number(layout):
    a = np.random.default_rng(1).standard_normal((4, 10))
    r = [L.where(LAYOUTS[layout](L, a) > 0, L.tensor(a[0, 0]), 7.5) for L in (nt, torch)]
    np.testing.assert_array_equal(r[0].numpy(), r[1].numpy())
