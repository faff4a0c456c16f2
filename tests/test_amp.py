"""torch.amp: autocast regions and GradScaler, compared with PyTorch on the CPU."""
import warnings

import numpy as np
import pytest

import numtensor as nt

import torch

LIBS = (torch, nt)

REGION_OPS = {
    "cross_entropy": lambda L, h: L.nn.functional.cross_entropy(h, L.tensor([0, 1])),
    "nll_loss": lambda L, h: L.nn.functional.nll_loss(h, L.tensor([0, 1])),
    "mse_loss": lambda L, h: L.nn.functional.mse_loss(h, h * 2),
    "l1_loss": lambda L, h: L.nn.functional.l1_loss(h, h * 2),
    "smooth_l1_loss": lambda L, h: L.nn.functional.smooth_l1_loss(h, h * 2),
    "huber_loss": lambda L, h: L.nn.functional.huber_loss(h, h * 2),
    "bce_with_logits": lambda L, h: L.nn.functional.binary_cross_entropy_with_logits(h, h * 0),
    "softmax": lambda L, h: L.nn.functional.softmax(h, 1),
    "layer_norm": lambda L, h: L.nn.functional.layer_norm(h, (3,)),
    "prod": lambda L, h: h.prod(), "exp": lambda L, h: h.exp(),
    "addmm": lambda L, h: L.addmm(L.ones(2, 2), L.ones(2, 3), L.ones(3, 2)),
    "baddbmm": lambda L, h: L.baddbmm(L.ones(1, 2, 2), L.ones(1, 2, 3), L.ones(1, 3, 2)),
    "conv2d": lambda L, h: L.nn.functional.conv2d(L.ones(1, 1, 3, 3), L.ones(1, 1, 2, 2)),
    "sdpa": lambda L, h: L.nn.functional.scaled_dot_product_attention(
        L.ones(1, 2, 3), L.ones(1, 2, 3), L.ones(1, 2, 3)),
    "mv": lambda L, h: L.mv(L.ones(2, 3), L.ones(3)),
    "matmul_float64": lambda L, h: L.ones(2, 2, dtype=L.float64) @ L.ones(2, 2, dtype=L.float64),
    "matmul": lambda L, h: L.ones(2, 2) @ L.ones(2, 2), "bmm": lambda L, h: L.bmm(
        L.ones(1, 2, 2), L.ones(1, 2, 2)),
    "linear": lambda L, h: L.nn.functional.linear(L.ones(1, 2), L.ones(3, 2), L.ones(3)),
    "einsum": lambda L, h: L.einsum("ij,jk->ik", L.ones(2, 2), L.ones(2, 2)),
}


@pytest.mark.parametrize("op", REGION_OPS.values(), ids=REGION_OPS.keys())
def test_autocast_dtypes_follow_pytorchs_cpu_lists(op):
    def outcome(L):
        h = L.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=L.float16)
        with L.autocast("cpu", dtype=L.float16):
            r = op(L, h)
        return str(r.dtype), np.round(r.float().detach().numpy(), 2).tolist()
    assert outcome(nt) == outcome(torch)


def test_autocast_region_state_and_backward():
    def outcome(L):
        seen = [L.is_autocast_enabled("cpu")]
        with L.autocast("cpu", dtype=L.float16):
            seen += [L.is_autocast_enabled("cpu"), str(L.get_autocast_dtype("cpu"))]
            with L.autocast("cpu", enabled=False):
                seen.append(str((L.ones(2, 2) @ L.ones(2, 2)).dtype))
            x = L.ones(2, 2, requires_grad=True)
            (x @ x).float().sum().backward()  # the cast back to float32 is differentiable
            seen.append((str(x.grad.dtype), x.grad.tolist()))
        seen.append(L.is_autocast_enabled("cpu"))

        @L.autocast("cpu", dtype=L.float16)
        def product(a):
            return a @ a
        seen.append(str(product(L.ones(2, 2)).dtype))
        return seen
    assert outcome(nt) == outcome(torch)


def test_grad_scaler_scales_unscales_skips_and_adapts():
    def outcome(L):
        scaler = L.amp.GradScaler("cpu", init_scale=4.0, growth_interval=2)
        w = L.ones(2, requires_grad=True)
        opt = L.optim.SGD([w], lr=0.1)
        seen = [scaler.is_enabled(), scaler.get_scale()]
        for loss_of in (lambda: (w * 3).sum(), lambda: (w * 3).sum(),
                        lambda: (w * float("inf")).sum(), lambda: (w * w).sum()):
            opt.zero_grad()
            scaler.scale(loss_of()).backward()
            scaler.unscale_(opt)
            with pytest.raises(RuntimeError, match="already been called"):
                scaler.unscale_(opt)
            scaler.step(opt)
            scaler.update()
            seen.append((w.tolist(), scaler.get_scale(), scaler.state_dict()))
        scaler.update(new_scale=8.0)
        seen.append(scaler.get_scale())
        seen.append([t.tolist() for t in scaler.scale([w.sum(), (w.sum(), w.sum())])[1]])
        return seen
    assert outcome(nt) == outcome(torch)


def test_cuda_spellings_warn_and_disable_without_cuda():
    def outcome(L):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scaler = L.cuda.amp.GradScaler()
            loss = L.ones(2, requires_grad=True).sum()
            with L.autocast("cuda"):
                dtype = str((L.ones(2, 2) @ L.ones(2, 2)).dtype)
        return (scaler.is_enabled(), scaler.get_scale(), scaler.state_dict(),
                scaler.scale(loss) is loss, dtype,
                [(w.category.__name__, str(w.message)) for w in caught])
    if torch.cuda.is_available() or nt.cuda.is_available():
        pytest.skip("a CUDA device (or the simulator) is present")
    assert outcome(nt) == outcome(torch)


def test_mixed_precision_training_matches_pytorch():
    # the loop of PyTorch's AMP recipe, on the CPU with float16 regions
    def losses(L):
        L.manual_seed(0)
        model = L.nn.Sequential(L.nn.Linear(8, 16), L.nn.ReLU(), L.nn.Linear(16, 3))
        opt = L.optim.SGD(model.parameters(), lr=0.1)
        scaler = L.amp.GradScaler("cpu", init_scale=1024.0)
        x, y = L.randn(32, 8), L.randint(0, 3, (32,))
        out = []
        for _ in range(5):
            opt.zero_grad()
            with L.autocast("cpu", dtype=L.float16):
                loss = L.nn.functional.cross_entropy(model(x), y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            out.append(loss.item())
        return out, str(model[0].weight.grad.dtype)
    got, expected = losses(nt), losses(torch)
    assert got[1] == expected[1] == "torch.float32"
    np.testing.assert_allclose(got[0], expected[0], rtol=5e-3)


def test_cpu_autocast_needs_float16_without_bfloat16():
    with pytest.raises(RuntimeError, match="float16"):
        with nt.autocast("cpu"):
            pass
    with nt.autocast("cpu", enabled=False):  # a disabled region asks for nothing
        pass
