"""numtensor's own float32 product kernel (cpu/sgemm_kernels.py) against float64 NumPy,
and the batches the CPU backend hands it against PyTorch."""
import numpy as np
import pytest

import numtensor as nt
from numtensor._backends import cpu

import torch  # noqa: E402  (required: CI fails without the oracle)

sk = cpu._kernel_module("sgemm_kernels")


def _batch(rng, batch, m, k, n, a_t, repeat_b=False):
    """Buffers and offsets of a batch of products, each matrix at its own offset (a
    gap of junk between them), or one B for every product (repeat_b)."""
    def place(count, size):
        gap = 24  # junk between matrices: a kernel that strays reads or writes it
        buf = rng.standard_normal(count * (size + gap) + 5).astype(np.float32)
        return buf, np.arange(count, dtype=np.int64) * (size + gap) + 5
    a, a_offs = place(batch, m * k)
    b, b_offs = place(1 if repeat_b else batch, k * n)
    if repeat_b:
        b_offs = np.zeros(batch, np.int64) + b_offs[0]
    c, c_offs = place(batch, m * n)
    mats_a = [a[o:o + m * k].reshape((k, m) if a_t else (m, k)) for o in a_offs]
    mats_a = [x.T if a_t else x for x in mats_a]
    mats_b = [b[o:o + k * n].reshape(k, n) for o in b_offs]
    return a, a_offs, b, b_offs, c, c_offs, mats_a, mats_b


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("a_t", [False, True])
@pytest.mark.parametrize("shape", [(8, 8, 32), (128, 128, 128), (16, 264, 64), (24, 520, 96),
                                   (64, 16, 32)])
def test_products_against_float64(shape, a_t, accumulate, threads):
    m, k, n = shape
    assert sk.takes(m, k, n)
    rng = np.random.default_rng(m * 7 + k + n)
    for batch, repeat_b in [(5, False), (1, False), (4, True)]:
        a, a_offs, b, b_offs, c, c_offs, mats_a, mats_b = _batch(rng, batch, m, k, n, a_t,
                                                                 repeat_b)
        before = c.copy()
        assert sk.sgemm_par(a_t, a, a_offs, b, b_offs, c, c_offs, m, k, n, accumulate, threads)
        for i, o in enumerate(c_offs):
            want = mats_a[i].astype(np.float64) @ mats_b[i].astype(np.float64)
            if accumulate:
                want += before[o:o + m * n].reshape(m, n)
            np.testing.assert_allclose(c[o:o + m * n].reshape(m, n), want, rtol=2e-5,
                                       atol=2e-5 * np.sqrt(k))
        # nothing outside the products' C changed
        written = np.zeros(c.size, bool)
        for o in c_offs:
            written[o:o + m * n] = True
        np.testing.assert_array_equal(c[~written], before[~written])


def test_a_matrix_outside_its_buffer_is_refused_and_nothing_written():
    rng = np.random.default_rng(3)
    a, a_offs, b, b_offs, c, c_offs, _, _ = _batch(rng, 3, 8, 8, 32, False)
    before = c.copy()
    for bad in (a_offs, b_offs, c_offs):
        saved = bad.copy()
        bad[-1] = 10 ** 6
        assert not sk.sgemm_par(False, a, a_offs, b, b_offs, c, c_offs, 8, 8, 32, False, 2)
        bad[-1] = -1
        assert not sk.sgemm_par(False, a, a_offs, b, b_offs, c, c_offs, 8, 8, 32, False, 2)
        bad[:] = saved
    np.testing.assert_array_equal(c, before)


def test_the_shapes_it_takes():
    assert sk.takes(128, 128, 128) and sk.takes(8, 8, 32)
    assert not sk.takes(100, 128, 128)   # rows not a multiple of 8
    assert not sk.takes(128, 128, 100)   # columns not a multiple of 32
    assert not sk.takes(128, 100, 128)   # depth not a multiple of 8
    assert not sk.takes(0, 8, 32) and not sk.takes(8, 0, 32)


def _spy(monkeypatch):
    calls = []
    real = sk.sgemm_par

    def spy(*args):
        calls.append(args)
        return real(*args)
    monkeypatch.setattr(sk, "sgemm_par", spy)
    monkeypatch.setattr(cpu, "_threads", lambda: 2)
    return calls


@pytest.mark.parametrize("layout_a", ["n", "t"])
def test_bmm_and_baddbmm_take_it_as_pytorch(layout_a, monkeypatch):
    calls = _spy(monkeypatch)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((8, 128, 128)).astype(np.float32)
    y = rng.standard_normal((8, 128, 128)).astype(np.float32)
    z = rng.standard_normal((8, 128, 128)).astype(np.float32)
    a, ta = nt.from_numpy(x.copy()), torch.from_numpy(x.copy())
    if layout_a == "t":
        a, ta = a.transpose(1, 2), ta.transpose(1, 2)
    b, tb = nt.from_numpy(y.copy()), torch.from_numpy(y.copy())
    c, tc = nt.from_numpy(z.copy()), torch.from_numpy(z.copy())
    np.testing.assert_allclose(nt.bmm(a, b).numpy(), torch.bmm(ta, tb).numpy(), rtol=1e-4,
                               atol=1e-3)
    np.testing.assert_allclose(nt.baddbmm(c, a, b).numpy(), torch.baddbmm(tc, ta, tb).numpy(),
                               rtol=1e-4, atol=1e-3)
    assert len(calls) == 2 and all(call[0] == (layout_a == "t") for call in calls)
    # gradients: the backward products, some of them through the kernel too
    la, lb = a.detach().requires_grad_(), b.detach().requires_grad_()
    tla, tlb = ta.detach().requires_grad_(), tb.detach().requires_grad_()
    nt.bmm(la, lb).sum().backward()
    torch.bmm(tla, tlb).sum().backward()
    np.testing.assert_allclose(la.grad.numpy(), tla.grad.numpy(), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(lb.grad.numpy(), tlb.grad.numpy(), rtol=1e-4, atol=1e-3)


def test_other_products_stay_with_the_blas(monkeypatch):
    calls = _spy(monkeypatch)
    rng = np.random.default_rng(12)
    for sa, sb in [((8, 100, 128), (8, 128, 128)),   # rows not a multiple of 8
                   ((8, 128, 128), (8, 128, 100)),   # columns not a multiple of 32
                   ((128, 128), (128, 128))]:         # a lone product
        x = rng.standard_normal(sa).astype(np.float32)
        y = rng.standard_normal(sb).astype(np.float32)
        np.testing.assert_allclose((nt.from_numpy(x) @ nt.from_numpy(y)).numpy(),
                                   (torch.from_numpy(x) @ torch.from_numpy(y)).numpy(),
                                   rtol=1e-4, atol=1e-3)
    y = rng.standard_normal((8, 128, 128)).astype(np.float32)
    x = rng.standard_normal((8, 128, 128)).astype(np.float32)
    nt.bmm(nt.from_numpy(x), nt.from_numpy(y).transpose(1, 2))  # B transposed
    assert calls == []


def test_a_batch_met_again_goes_straight_to_the_kernel(monkeypatch):
    # the backend keeps the call for the plan (cpu._keep_own_batch): later batches of the
    # geometry, on other buffers, skip the choosing; with one thread left the kept call
    # declines and the general path runs them (on the BLAS)
    calls = _spy(monkeypatch)
    chosen = []
    real_choice = cpu._float_products

    def spy_choice(*args):
        chosen.append(args[1])
        return real_choice(*args)
    monkeypatch.setattr(cpu, "_float_products", spy_choice)
    rng = np.random.default_rng(13)
    for call in range(4):
        x = rng.standard_normal((6, 128, 96)).astype(np.float32)
        y = rng.standard_normal((6, 96, 160)).astype(np.float32)
        if call == 3:
            monkeypatch.setattr(cpu, "_threads", lambda: 1)
        np.testing.assert_allclose(nt.bmm(nt.from_numpy(x), nt.from_numpy(y)).numpy(),
                                   torch.bmm(torch.from_numpy(x), torch.from_numpy(y)).numpy(),
                                   rtol=1e-4, atol=1e-3)
    assert len(calls) == 3       # the kernel ran the first three batches ...
    assert len(chosen) == 2      # ... choosing the first only; the last on the BLAS
