"""numtensor's own float32 product kernel (cpu/sgemm_kernels.py) against float64 NumPy,
and the batches the CPU backend hands it against PyTorch."""
import numpy as np
import pytest

import numtensor as nt
from numtensor._backends import cpu

import torch  # noqa: E402  (required: CI fails without the oracle)

sk = cpu._kernel_module("sgemm_kernels")


def _batch(rng, batch, m, k, n, a_t, repeat_b=False, b_t=False):
    """Buffers and offsets of a batch of products, each matrix at its own offset (a
    gap of junk between them), or one B for every product (repeat_b); a_t, b_t: A, B
    laid out as the transpose of a row-major matrix."""
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
    mats_b = [b[o:o + k * n].reshape((n, k) if b_t else (k, n)) for o in b_offs]
    mats_b = [x.T if b_t else x for x in mats_b]
    return a, a_offs, b, b_offs, c, c_offs, mats_a, mats_b


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("a_t,b_t", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("shape", [(8, 8, 32), (128, 128, 128), (16, 264, 64), (24, 520, 96),
                                   (64, 16, 32), (8, 24, 160), (16, 264, 70), (24, 8, 5),
                                   (8, 40, 45)])
def test_products_against_float64(shape, a_t, b_t, accumulate, threads):
    """Whole products (parts 1) and products in parts of their columns (a lone Linear
    product split over the threads; parts that do not divide the panels evenly, and a
    part per panel), every layout of A and B; a last partial panel of columns (alone,
    and summed over depth blocks in its tile)."""
    m, k, n = shape
    assert sk.takes(m, k, n)
    rng = np.random.default_rng(m * 7 + k + n)
    panels = sk.panels(n)
    for batch, repeat_b, parts in [(5, False, 1), (1, False, 1), (4, True, 1),
                                   (1, False, min(2, panels)), (1, False, min(3, panels)),
                                   (3, False, panels)]:
        a, a_offs, b, b_offs, c, c_offs, mats_a, mats_b = _batch(rng, batch, m, k, n, a_t,
                                                                 repeat_b, b_t)
        before = c.copy()
        assert sk.sgemm_par(a_t, b_t, a, a_offs, b, b_offs, c, c_offs, m, k, n, accumulate,
                            parts, threads)
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
        assert not sk.sgemm_par(False, False, a, a_offs, b, b_offs, c, c_offs, 8, 8, 32,
                                False, 1, 2)
        bad[-1] = -1
        assert not sk.sgemm_par(False, True, a, a_offs, b, b_offs, c, c_offs, 8, 8, 32,
                                False, 1, 2)
        bad[:] = saved
    np.testing.assert_array_equal(c, before)


def test_the_shapes_it_takes():
    assert sk.takes(128, 128, 128) and sk.takes(8, 8, 32)
    assert not sk.takes(100, 128, 128)   # rows not a multiple of 8
    assert sk.takes(128, 128, 100)       # columns: a last partial panel
    assert not sk.takes(128, 100, 128)   # depth not a multiple of 8
    assert [sk.panels(n) for n in (1, 32, 33, 784)] == [1, 1, 2, 25]
    assert not sk.takes(0, 8, 32) and not sk.takes(8, 0, 32)


def _spy(monkeypatch):
    calls = []
    real = sk.sgemm_par

    def spy(*args):
        calls.append(args)
        return real(*args)
    monkeypatch.setattr(sk, "sgemm_par", spy)
    monkeypatch.setattr(cpu, "_threads", lambda: 2)
    # the backend's choices as on a core where OpenBLAS has small-matrix kernels (an
    # AVX-512 one): elsewhere it leaves the batches of B not transposed to the BLAS
    # (cpu._packed_width), while the kernel itself runs on any x86-64 core
    blas_threads = cpu._kernel_module("blas_threads")
    monkeypatch.setattr(blas_threads, "has_small_kernels", lambda: True)
    # ... and whose vectors hold 16 floats: elsewhere the backend leaves every product
    # to the BLAS (sk.runs_natively)
    monkeypatch.setattr(sk, "runs_natively", lambda: True)
    return calls


def test_a_core_without_avx512_leaves_every_product_to_the_blas(monkeypatch):
    calls = _spy(monkeypatch)
    monkeypatch.setattr(sk, "runs_natively", lambda: False)
    rng = np.random.default_rng(15)
    for sa, sb, layout_b in [((8, 128, 128), (8, 128, 128), "n"),   # a batch, B packed
                             ((8, 128, 64), (8, 128, 64), "t"),     # q @ k.transpose(1, 2)
                             ((128, 784), (256, 784), "t"),         # a Linear layer
                             ((256, 256), (256, 256), "n")]:        # a lone mid-size one
        x = rng.standard_normal(sa).astype(np.float32)
        y = rng.standard_normal(sb).astype(np.float32)
        a, b, ta, tb = nt.from_numpy(x), nt.from_numpy(y), torch.from_numpy(x), torch.from_numpy(y)
        if layout_b == "t":
            b, tb = b.transpose(-1, -2), tb.transpose(-1, -2)
        np.testing.assert_allclose((a @ b).numpy(), (ta @ tb).numpy(), rtol=1e-4, atol=1e-3)
    assert calls == []


@pytest.mark.parametrize("layout_b", ["n", "t"])
@pytest.mark.parametrize("layout_a", ["n", "t"])
def test_bmm_and_baddbmm_take_it_as_pytorch(layout_a, layout_b, monkeypatch):
    """Batches of products one per thread, A and B either way round (B transposed: an
    attention's q @ k.transpose(1, 2))."""
    calls = _spy(monkeypatch)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((8, 128, 128)).astype(np.float32)
    y = rng.standard_normal((8, 128, 128)).astype(np.float32)
    z = rng.standard_normal((8, 128, 128)).astype(np.float32)
    a, ta = nt.from_numpy(x.copy()), torch.from_numpy(x.copy())
    if layout_a == "t":
        a, ta = a.transpose(1, 2), ta.transpose(1, 2)
    b, tb = nt.from_numpy(y.copy()), torch.from_numpy(y.copy())
    if layout_b == "t":
        b, tb = b.transpose(1, 2), tb.transpose(1, 2)
    c, tc = nt.from_numpy(z.copy()), torch.from_numpy(z.copy())
    np.testing.assert_allclose(nt.bmm(a, b).numpy(), torch.bmm(ta, tb).numpy(), rtol=1e-4,
                               atol=1e-3)
    np.testing.assert_allclose(nt.baddbmm(c, a, b).numpy(), torch.baddbmm(tc, ta, tb).numpy(),
                               rtol=1e-4, atol=1e-3)
    assert len(calls) == 2 and all(call[0] == (layout_a == "t") and call[1] == (layout_b == "t")
                                   and call[12] == 1 for call in calls)
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
                   ((32, 64), (64, 64)),             # a lone product too small to split
                   ((512, 512), (512, 512)),         # ... and one too big for the kernel
                   ((128, 1024), (1024, 32)),        # ... and one of a single panel
                   ((128, 784), (784, 100))]:        # ... and one whose partial panel
                                                     # would compute 28% more columns
        x = rng.standard_normal(sa).astype(np.float32)
        y = rng.standard_normal(sb).astype(np.float32)
        np.testing.assert_allclose((nt.from_numpy(x) @ nt.from_numpy(y)).numpy(),
                                   (torch.from_numpy(x) @ torch.from_numpy(y)).numpy(),
                                   rtol=1e-4, atol=1e-3)
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


_LAYOUTS = {"x @ w.t()": lambda v: v["x"] @ v["w"].t(), "x @ b": lambda v: v["x"] @ v["b"],
            "t.t() @ b": lambda v: v["t"].t() @ v["b"],
            "t.t() @ w.t()": lambda v: v["t"].t() @ v["w"].t()}


@pytest.mark.parametrize("n", [96, 94])
@pytest.mark.parametrize("layout", list(_LAYOUTS))
def test_lone_products_split_over_the_threads_as_pytorch(layout, n, monkeypatch):
    """A lone product of OWN_SPLIT_FROM to OWN_SPLIT_UP_TO multiply-adds runs on the
    kernel a part of its columns per thread, in every layout of A and B (a Linear layer's
    x @ w.t() above all), as PyTorch computes it; met again, its kept call goes straight
    to the kernel, and declines on one thread."""
    calls = _spy(monkeypatch)
    rng = np.random.default_rng(14)
    m, k = 64, 240  # (n = 94: a last partial panel of columns)
    arrays = {"x": (m, k), "w": (n, k), "b": (k, n), "t": (k, m)}
    values = {name: rng.standard_normal(shape).astype(np.float32)
              for name, shape in arrays.items()}
    ours = {name: nt.from_numpy(v.copy()) for name, v in values.items()}
    theirs = {name: torch.from_numpy(v.copy()) for name, v in values.items()}
    product = _LAYOUTS[layout]
    for call in range(3):
        np.testing.assert_allclose(product(ours).numpy(), product(theirs).numpy(), rtol=1e-4,
                                   atol=1e-4)
    assert len(calls) == 3
    a_t, b_t = layout.startswith("t.t()"), layout.endswith("w.t()")
    assert all(c[0] == a_t and c[1] == b_t and c[12] == 2 for c in calls)
    monkeypatch.setattr(cpu, "_threads", lambda: 1)  # the kept call declines: the BLAS
    np.testing.assert_allclose(product(ours).numpy(), product(theirs).numpy(), rtol=1e-4,
                               atol=1e-4)
    assert len(calls) == 3


def test_a_linear_layer_trains_through_the_split_kernel_as_pytorch(monkeypatch):
    calls = _spy(monkeypatch)
    rng = np.random.default_rng(15)
    x = rng.standard_normal((128, 784)).astype(np.float32)
    w = (rng.standard_normal((256, 784)) * 0.05).astype(np.float32)
    bias = rng.standard_normal(256).astype(np.float32)
    grads = []
    for lib in (nt, torch):
        lw, lb = lib.from_numpy(w.copy()).requires_grad_(), lib.from_numpy(bias.copy()).requires_grad_()
        out = lib.nn.functional.linear(lib.from_numpy(x.copy()), lw, lb)
        (out.relu() ** 2).mean().backward()
        grads.append((out.detach().numpy(), lw.grad.numpy(), lb.grad.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    # the forward's x @ w.t() and the weight's gradient g.t() @ x (784 columns: a last
    # partial panel) ran on the kernel
    assert any(c[1] for c in calls) and any(c[0] and c[10] == 784 for c in calls)
