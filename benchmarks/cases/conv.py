"""conv2d and max pooling at the lecture convnet's shapes (batch 100, 28x28 input).

These need numtensor.nn; without it each case is skipped with that reason.  NumPy has
no conv2d, so the rows compare numtensor with PyTorch.
"""
import numpy as np

from ..case import Case, needs_numtensor, per_library, tensors

TITLE = "conv2d and pooling"
PLOT = "bars"

BATCH = 100


def _layer(make_layer, in_shape, backward=False):
    """A case maker: one nn layer applied to a random batch (forward, or forward+backward)."""
    def make(device="cpu"):
        x_np = np.random.default_rng(0).random(in_shape, dtype=np.float32)

        def build(name, mod, dev):
            if name == "numpy":
                return None
            layer = make_layer(mod.nn).to(dev)
            (x,) = tensors(name, mod, [x_np], dev)
            if not backward:
                def forward():
                    with mod.no_grad():
                        layer(x)
                return forward
            x.requires_grad_(True)

            def forward_backward():
                x.grad = None
                layer.zero_grad()
                layer(x).sum().backward()
            return forward_backward
        return {k: f for k, f in per_library(build, device).items() if f is not None}
    return make


NEEDS = needs_numtensor("nn.Conv2d", "nn.MaxPool2d")

CASES = [Case("conv", name, make=make, needs=NEEDS, quick=quick, limit=limit, weight=3)
         for name, quick, limit, make in [
    ("Conv2d(1, 32, 5) forward, (100, 1, 28, 28)", True, "<= 1.5x",
     _layer(lambda nn: nn.Conv2d(1, 32, 5), (BATCH, 1, 28, 28))),
    ("Conv2d(1, 32, 5) forward + backward, (100, 1, 28, 28)", True, "-",
     _layer(lambda nn: nn.Conv2d(1, 32, 5), (BATCH, 1, 28, 28), backward=True)),
    ("Conv2d(32, 64, 5) forward, (100, 32, 8, 8)", False, "<= 1.5x",
     _layer(lambda nn: nn.Conv2d(32, 64, 5), (BATCH, 32, 8, 8))),
    ("MaxPool2d(3) forward, (100, 32, 24, 24)", True, "-",
     _layer(lambda nn: nn.MaxPool2d(3), (BATCH, 32, 24, 24))),
    ("MaxPool2d(3) forward + backward, (100, 32, 24, 24)", True, "<= 1.0x",
     _layer(lambda nn: nn.MaxPool2d(3), (BATCH, 32, 24, 24), backward=True)),
    ("MaxPool2d(2) forward, (100, 64, 4, 4)", False, "-",
     _layer(lambda nn: nn.MaxPool2d(2), (BATCH, 64, 4, 4))),
]]
