"""The strided element-wise kernel's walk (elementwise_kernels' strided): whole runs
of the innermost dim stepping along the next dim, partial runs at the edges of the
parallel chunks (16384 elements), the carry into outer dims, and the tiled loop of a
copy strided on both sides.  Each case is a copy or a binary op of views whose sizes put
chunk boundaries mid-run, checked element for element against NumPy."""
import numpy as np
import pytest

import numtensor as nt


def _view(rng, base_shape, dtype, data_seed=0):
    """A random non-contiguous view: a random permutation of a sliced base (the view's
    layout from rng, its values from data_seed)."""
    base = np.random.default_rng(data_seed).standard_normal(base_shape).astype(dtype)
    slices = tuple(slice(int(rng.integers(0, 2)), None, int(rng.integers(1, 3)))
                   for _ in base_shape)
    perm = tuple(rng.permutation(len(base_shape)))
    t = nt.tensor(base)[slices].permute(perm)
    return t, base[slices].transpose(perm)


SHAPES = [(40000,), (3, 20001), (37, 1001), (1001, 37), (64, 33, 17), (5, 7, 300, 24),
          (2, 3, 5, 7, 11, 13), (16385, 2), (2, 16385), (130, 130)]


@pytest.mark.parametrize("seed", range(len(SHAPES)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_copy_of_strided_views(seed, dtype):
    rng = np.random.default_rng(seed)
    t, a = _view(rng, SHAPES[seed], dtype)
    got = t.contiguous()
    assert got.is_contiguous()
    np.testing.assert_array_equal(got.numpy(), a)


@pytest.mark.parametrize("seed", range(len(SHAPES)))
def test_binary_op_of_strided_views_into_a_strided_output(seed):
    shape = SHAPES[seed]
    t, a = _view(np.random.default_rng(seed), shape, np.float32, data_seed=1)
    u, b = _view(np.random.default_rng(seed), shape, np.float32, data_seed=2)  # same layout
    v, c = _view(np.random.default_rng(seed + 50), shape, np.float32, data_seed=3)
    np.testing.assert_array_equal((t + u).numpy(), a + b)
    np.testing.assert_array_equal((t * 2.5).numpy(), a * np.float32(2.5))
    if v.shape == t.shape:  # another layout of the same shape
        np.testing.assert_array_equal((t - v).numpy(), a - c)
    out = nt.zeros(tuple(reversed(t.shape))).permute(tuple(range(t.ndim - 1, -1, -1)))
    nt.mul(t, u, out=out)  # written through a transposed output
    np.testing.assert_array_equal(out.numpy(), a * b)


def test_transposed_copy_with_broadcast_and_cast():
    x = nt.arange(3 * 2000, dtype=nt.float32).reshape(3, 2000)
    np.testing.assert_array_equal(x.t().contiguous().numpy(), x.numpy().T)
    row = nt.arange(2000, dtype=nt.int32)
    want = np.broadcast_to(row.numpy(), (40, 2000)).T.astype(np.float64)
    got = nt.empty(2000, 40, dtype=nt.float64)
    got.copy_(row.expand(40, 2000).t())
    np.testing.assert_array_equal(got.numpy(), want)
