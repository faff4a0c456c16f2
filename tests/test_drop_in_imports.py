"""numtensor registered under PyTorch's name (sys.modules["torch"] = numtensor), the way
PyTorch code is often run unchanged: dotted imports reach numtensor's own modules, not
second copies of them; and float() of a tensor that requires grad warns as PyTorch does."""
import subprocess
import sys
import textwrap

_PROGRAM = textwrap.dedent("""
    import sys
    import numtensor
    sys.modules["torch"] = numtensor
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset
    from torch.utils import data
    import torch.optim as optim
    from torch.optim import lr_scheduler
    assert nn is numtensor.nn and F is numtensor.nn.functional and optim is numtensor.optim
    assert data is numtensor.utils.data and DataLoader is numtensor.utils.data.DataLoader
    assert lr_scheduler is numtensor.optim.lr_scheduler
    assert sys.modules["torch.nn"] is numtensor.nn
    assert numtensor.nn.__spec__.name == "numtensor.nn"
    assert not [m for m in sys.modules if m.startswith("torch.") and
                not sys.modules[m].__name__.startswith("numtensor")]
    x = torch.arange(12.0).reshape(6, 2)
    loader = DataLoader(TensorDataset(x, x.sum(1)), batch_size=4)
    xb, yb = next(iter(loader))
    net = nn.Sequential(nn.Linear(2, 1))
    loss = F.mse_loss(net(xb).squeeze(1), yb)
    loss.backward()
    optim.SGD(net.parameters(), lr=0.1).step()
    assert type(xb) is numtensor.Tensor
    print(type(xb), tuple(xb.shape))
""")


def test_dotted_imports_under_an_alias_reach_numtensor_modules():
    done = subprocess.run([sys.executable, "-c", _PROGRAM], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["<class", "'torch.Tensor'>", "(4,", "2)"]


_WARN = textwrap.dedent("""
    import warnings
    import numtensor as torch
    warnings.simplefilter("always")
    with warnings.catch_warnings(record=True) as caught:
        with torch.no_grad():
            float(torch.ones(1, requires_grad=True))
        float(torch.ones(1))
    assert not caught, caught
    with warnings.catch_warnings(record=True) as caught:
        float(torch.ones(1, requires_grad=True) * 2)
        float(torch.ones(1, requires_grad=True))
    print(len(caught), caught[0].category.__name__)
    print(str(caught[0].message))
""")


def test_float_of_a_tensor_that_requires_grad_warns_once_as_torch():
    done = subprocess.run([sys.executable, "-c", _WARN], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "1 UserWarning"  # once per process, as PyTorch's TORCH_WARN_ONCE
    assert lines[1:] == ["Converting a tensor with requires_grad=True to a scalar may lead to "
                         "unexpected behavior.", "Consider using tensor.detach() first."]
