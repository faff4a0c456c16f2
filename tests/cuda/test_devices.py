"""CUDA tensors as users see them: creation on the device, moves, printing, the errors
of mixed devices and of numpy(), autograd with gradients on the device, a training
step of a small model, and the numtensor.cuda namespace (memory from the caching
allocator, events)."""
import io
import warnings

import numpy as np
import pytest

import numtensor as nt
from cuda_helpers import CUDA, assert_same, pair, rng

CPU = nt.device("cpu")
MIXED = "Expected all tensors to be on the same device, but found at least two devices"


# ---- creation and moves -------------------------------------------------------------------------
FACTORIES = [lambda d: nt.tensor([[1, 2], [3, 4]], device=d), lambda d: nt.zeros(2, 3, device=d),
             lambda d: nt.ones((2,), dtype=nt.int32, device=d), lambda d: nt.full((2, 2), 7.5, device=d),
             lambda d: nt.empty(3, device=d).fill_(2), lambda d: nt.arange(5, device=d),
             lambda d: nt.linspace(0, 1, 4, device=d), lambda d: nt.eye(3, device=d),
             lambda d: nt.zeros_like(nt.ones(2, 2, device=d)),
             lambda d: nt.full_like(nt.ones(3, device=d), 4),
             lambda d: nt.tensor(np.arange(6.0).reshape(2, 3), device=d),
             lambda d: nt.as_tensor([1.5, 2.5], device=d)]


@pytest.mark.parametrize("make", FACTORIES, ids=range(len(FACTORIES)))
def test_factories_put_tensors_on_the_device(make):
    got, want = make("cuda"), make("cpu")
    assert got.is_cuda and got.device == CUDA and not want.is_cuda
    assert_same(got, want)


def test_moves_between_devices():
    x = nt.tensor([[1.0, 2.0], [3.0, 4.0]])
    for moved in (x.cuda(), x.to("cuda"), x.to("cuda:0"), x.to(nt.device("cuda", 0)), x.cuda(0),
                  x.to(CUDA, nt.float64), x.to(nt.zeros(1, device="cuda"))):
        assert moved.device == CUDA
        np.testing.assert_array_equal(moved.cpu().numpy(), x.numpy())
    c = x.cuda()
    assert c.to("cuda") is c and c.cuda() is c
    back = c.t().cpu()
    assert back.device == CPU and back.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert c.to("cpu", nt.int64).dtype == nt.int64
    assert c.double().device == CUDA and c.half().device == CUDA and c.bool().device == CUDA
    x2 = x.clone()
    c[0, 0] = 10.0          # the copy is independent of its source
    assert x2[0, 0].item() == 1.0 and c[0, 0].item() == 10.0


def test_a_device_index_beyond_the_devices_raises():
    if nt.cuda.device_count() == 1:
        with pytest.raises(RuntimeError, match="invalid device ordinal"):
            nt.zeros(2, device="cuda:1")
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        nt.zeros(2).to(f"cuda:{nt.cuda.device_count()}")


def test_item_tolist_and_python_numbers():
    c = nt.tensor([[1.5, -2.0], [3.0, 4.0]], device="cuda")
    assert c[0, 0].item() == 1.5 and isinstance(c[0, 0].item(), float)
    assert c.tolist() == [[1.5, -2.0], [3.0, 4.0]] and c.t().tolist() == [[1.5, 3.0], [-2.0, 4.0]]
    assert float(c[1, 1]) == 4.0 and int(c[1, 0]) == 3 and bool(c[0, 1])
    assert nt.tensor(7, device="cuda").item() == 7
    assert c.sum().item() == 6.5


def test_printing_shows_the_device():
    assert repr(nt.tensor([1.0, 2.0], device="cuda")) == "tensor([1., 2.], device='cuda:0')"
    assert repr(nt.tensor([1, 2], dtype=nt.int32, device="cuda")) == \
        "tensor([1, 2], device='cuda:0', dtype=torch.int32)"
    x = nt.tensor([1.5, 2.0], device="cuda", requires_grad=True)
    assert repr(x) == "tensor([1.5000, 2.0000], device='cuda:0', requires_grad=True)"
    assert repr(x * 2) == "tensor([3., 4.], device='cuda:0', grad_fn=<MulBackward0>)"
    assert repr(nt.zeros(0, device="cuda")) == "tensor([], device='cuda:0')"
    big = nt.arange(2000.0, device="cuda")
    assert repr(big) == repr(nt.arange(2000.0))[:-1] + ", device='cuda:0')"
    assert str(x.device) == "cuda:0" and repr(x.device) == "device(type='cuda', index=0)"
    assert x.is_cuda and x.type() == "torch.cuda.FloatTensor"


def test_mixing_devices_raises_pytorchs_error():
    a, b = nt.ones(3, device="cuda"), nt.ones(3)
    for op in (lambda: a + b, lambda: b * a, lambda: nt.where(a > 0, a, b),
               lambda: a.add_(b.expand(3)), lambda: nt.cat([a, b]), lambda: a @ b,
               lambda: nt.maximum(a, b), lambda: nt.stack([b, a]),
               lambda: nt.ones(2, 3, device="cuda") @ nt.ones(3, 2)):
        with pytest.raises(RuntimeError, match=MIXED):
            op()


def test_what_pytorch_lets_cpu_tensors_do_with_cuda_tensors():
    c = nt.arange(5.0, device="cuda")
    # indices and masks on the CPU are copied to the indexed tensor's device
    assert c[nt.tensor([4, 1])].tolist() == [4.0, 1.0] and c[nt.tensor([4, 1])].device == CUDA
    assert c[nt.tensor([True, False, True, False, False])].tolist() == [0.0, 2.0]
    c[nt.tensor([0])] = 9.0
    assert c[0].item() == 9.0
    # a 0-d CPU tensor takes part in an element-wise op as a number
    assert (c + nt.tensor(1.0)).tolist() == [10.0, 2.0, 3.0, 4.0, 5.0]
    assert (nt.tensor(2) * c).device == CUDA
    # but torch.gather/scatter want one device, and CUDA indices do not index CPU tensors
    with pytest.raises(RuntimeError, match=MIXED):
        nt.gather(c, 0, nt.tensor([0, 1]))
    with pytest.raises(RuntimeError, match=MIXED):
        nt.zeros(5, device="cuda").scatter_(0, nt.tensor([1]), 1.0)
    with pytest.raises(RuntimeError, match="indices should be either on cpu or on the same device"):
        nt.arange(3.0)[nt.tensor([1], device="cuda")]


def test_numpy_of_a_cuda_tensor_raises_pytorchs_type_error():
    with pytest.raises(TypeError) as e:
        nt.ones(2, device="cuda").numpy()
    assert str(e.value) == ("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() "
                            "to copy the tensor to host memory first.")


def test_storage_views_share_device_memory():
    c = nt.arange(6.0, device="cuda")
    v = c.view(2, 3).t()
    v[0, 1] = 100.0
    assert c[3].item() == 100.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TypedStorage is deprecated, as in PyTorch
        s = c.storage()
    assert len(s) == 6 and s.tolist()[3] == 100.0 and s.device == CUDA
    assert c[2:].data_ptr() == c.data_ptr() + 2 * c.element_size()
    d = c.detach()
    d.zero_()
    assert c.abs().sum().item() == 0


def test_save_and_load_a_cuda_tensor():
    c = nt.tensor([[1.0, 2.0], [3.0, 4.0]], device="cuda")
    buf = io.BytesIO()
    nt.save({"w": c}, buf)
    buf.seek(0)
    back = nt.load(buf)
    assert back["w"].device == CUDA and back["w"].tolist() == c.tolist()
    buf.seek(0)
    assert nt.load(buf, map_location="cpu")["w"].device == CPU


def test_default_device_cuda():
    try:
        nt.set_default_device("cuda")
        assert nt.zeros(2).device == CUDA and nt.tensor([1, 2]).device == CUDA
    finally:
        nt.set_default_device(None)
    assert nt.zeros(2).device == CPU


# ---- autograd ---------------------------------------------------------------------------------------
def _grads(device, a, b, idx):
    x = nt.tensor(a, device=device, requires_grad=True)
    w = nt.tensor(b, device=device, requires_grad=True)
    i = nt.tensor(idx, device=device)
    y = (x @ w).tanh()
    z = y[i].sum(0) * y.t()[:, :2].mean() + (x[:, 1:] ** 2).logsumexp(1).sum()
    loss = z.sigmoid().sum() + (w.clamp(-0.5, 0.5) * x.t()[:3].sum()).max()
    loss.backward()
    return loss, x.grad, w.grad


def test_backward_puts_gradients_on_the_device():
    a, b = rng().standard_normal((4, 3)), rng(1).standard_normal((3, 5))
    idx = [0, 2, 2, 3]
    loss_cpu, gx_cpu, gw_cpu = _grads("cpu", a, b, idx)
    loss, gx, gw = _grads("cuda", a, b, idx)
    assert gx.device == CUDA and gw.device == CUDA
    assert_same(loss, loss_cpu, rtol=1e-6)
    assert_same(gx, gx_cpu, rtol=1e-5, atol=1e-6)
    assert_same(gw, gw_cpu, rtol=1e-5, atol=1e-6)


def test_gradient_flows_back_across_a_move():
    x = nt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x.cuda() * nt.tensor([2.0, 3.0, 4.0], device="cuda")).sum().backward()
    assert x.grad.device == CPU and x.grad.tolist() == [2.0, 3.0, 4.0]
    c = nt.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    (c.cpu() ** 2).sum().backward()
    assert c.grad.device == CUDA and c.grad.tolist() == [2.0, 4.0]


def test_gradcheck_on_cuda():
    x = nt.tensor(rng().standard_normal((3, 4)), device="cuda", requires_grad=True)
    w = nt.tensor(rng(2).standard_normal((4, 2)), device="cuda", requires_grad=True)
    assert nt.autograd.gradcheck(lambda x, w: ((x @ w).sigmoid() * x[:, :2]).sum(1), (x, w))


# ---- a training step ---------------------------------------------------------------------------
def _train(device, steps=2):
    nt.manual_seed(0)
    model = nn_model()
    model.to(device)
    opt = nt.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nt.nn.CrossEntropyLoss().to(device)
    data = nt.tensor(rng(4).standard_normal((6, 1, 5, 5)), dtype=nt.float32, device=device)
    target = nt.tensor(rng(5).integers(0, 3, 6), device=device)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(data), target)
        loss.backward()
        opt.step()
        losses.append(loss)
    return model, losses


def nn_model():
    """A small convnet in the lecture's shape: conv, max pooling, ReLU, a second conv
    with padding, average pooling, then linear layers; CrossEntropyLoss adds the
    log-softmax.  So one step runs im2col/col2im with the matmul GEMMs, both poolings
    and softmax forward and backward on the device."""
    nn = nt.nn
    return nn.Sequential(nn.Conv2d(1, 3, kernel_size=2), nn.MaxPool2d(kernel_size=2, stride=1),
                         nn.ReLU(), nn.Conv2d(3, 2, kernel_size=2, padding=1),
                         nn.AvgPool2d(kernel_size=2), nn.Flatten(), nn.Linear(8, 5), nn.ReLU(),
                         nn.Linear(5, 3))


def test_training_step_on_cuda_matches_the_cpu():
    model_cpu, losses_cpu = _train("cpu")
    model, losses = _train("cuda")
    for got, want in zip(losses, losses_cpu):
        assert_same(got, want, rtol=1e-5)
    for (name, p), (_, q) in zip(model.named_parameters(), model_cpu.named_parameters()):
        assert p.device == CUDA and p.grad.device == CUDA, name
        assert_same(p.detach(), q.detach(), rtol=1e-5, atol=1e-6)


def test_deep_one_group_conv_on_cuda_matches_the_cpu():
    """32 output channels and a field of 8*3*3+1 = 73 rows: the conv builds channels-last
    columns (copies, a fill and one product on the device); output and gradients."""
    data = rng(6).standard_normal((2, 8, 4, 5))
    weight = rng(7).standard_normal((32, 8, 3, 3))
    bias = rng(8).standard_normal(32)
    results = []
    for device in ("cpu", "cuda"):
        x, w, b = (nt.tensor(a, dtype=nt.float32, device=device, requires_grad=True)
                   for a in (data, weight, bias))
        y = nt.nn.functional.conv2d(x, w, b, padding=1, stride=(1, 2))
        y.backward(nt.ones_like(y))
        results.append((y, x.grad, w.grad, b.grad))
    for got, want in zip(*results[::-1]):
        assert got.device == CUDA
        assert_same(got, want, rtol=1e-5, atol=1e-5)


# ---- numtensor.cuda ----------------------------------------------------------------------------
def test_cuda_namespace():
    assert nt.cuda.is_available() is True
    assert nt.cuda.device_count() >= 1 and nt.cuda.current_device() == 0
    assert isinstance(nt.cuda.get_device_name(), str) and nt.cuda.get_device_name(0)
    nt.cuda.synchronize()
    nt.cuda.manual_seed_all(1)
    a = nt.rand(3, device="cuda")
    nt.manual_seed(1)  # seeds the CPU's generator and the devices'
    assert_same(nt.rand(3, device="cuda"), a.cpu())
    nt.cuda.manual_seed(1)  # the device's only: the CPU's stream goes on
    cpu = nt.rand(3)
    assert_same(nt.rand(3, device="cuda"), a.cpu())
    assert not np.array_equal(cpu.numpy(), nt.rand(3).numpy())


def test_memory_allocated_counts_live_blocks_and_freed_blocks_are_reused():
    nt.cuda.synchronize()
    before = nt.cuda.memory_allocated()
    x = nt.empty(1000, device="cuda")               # 4000 bytes, rounded to 4096
    assert nt.cuda.memory_allocated() == before + 4096
    reserved = nt.cuda.memory_reserved()
    del x
    assert nt.cuda.memory_allocated() == before
    for _ in range(3):                               # the freed block is handed out again
        y = nt.empty(1000, device="cuda")
        del y
    assert nt.cuda.memory_reserved() == reserved
    view = nt.empty(1000, device="cuda")[10:20]      # a view keeps its block alive
    assert nt.cuda.memory_allocated() == before + 4096
    del view
    assert nt.cuda.memory_allocated() == before
    assert nt.cuda.max_memory_allocated() >= before + 4096
    nt.cuda.empty_cache()
    assert nt.cuda.memory_reserved() <= reserved


def test_events_time_work():
    start, end = nt.cuda.Event(enable_timing=True), nt.cuda.Event(enable_timing=True)
    start.record()
    nt.ones(100, device="cuda").sum()
    end.record()
    end.synchronize()
    assert start.elapsed_time(end) >= 0 and end.query()
    with pytest.raises(RuntimeError, match="enable_timing"):
        nt.cuda.Event().elapsed_time(end)


def test_accelerator_namespace_is_cuda():
    # PyTorch's tutorials: device = torch.accelerator.current_accelerator().type if ... else "cpu"
    assert nt.accelerator.is_available()
    device = nt.accelerator.current_accelerator()
    assert device == nt.device("cuda") and device.type == "cuda"
    assert nt.accelerator.device_count() == nt.cuda.device_count() >= 1
    assert nt.accelerator.current_device_index() == 0
    with pytest.warns(FutureWarning):
        assert nt.accelerator.current_device_idx() == 0
    nt.accelerator.set_device_index(0)
    nt.accelerator.set_device_index("cuda:0")
    with nt.accelerator.device_index(0):
        x = nt.ones(3, device=device)
    nt.accelerator.synchronize()
    assert nt.accelerator.memory_allocated() == nt.cuda.memory_allocated() > 0
    assert nt.accelerator.max_memory_allocated() >= nt.accelerator.memory_allocated()
    assert nt.accelerator.memory_reserved() >= nt.accelerator.memory_allocated()
    del x
    nt.accelerator.empty_cache()
    with pytest.raises(RuntimeError):
        nt.accelerator.set_device_index(nt.cuda.device_count())
    with pytest.raises(ValueError):
        nt.accelerator.set_device_index("cpu")
