"""Training steps of the lectures' models: zero_grad, forward, loss, backward, SGD step.

The convnet: Conv2d(1,32,5), MaxPool2d(3), ReLU, Conv2d(32,64,5), MaxPool2d(2), ReLU,
Flatten, Linear(256,200), ReLU, Linear(200,10) on a batch of 100 28x28 images; the MLP:
784-256-10 on a batch of 128.  Both with CrossEntropyLoss and SGD(lr=0.1).  They need
numtensor.nn and numtensor.optim; without them each case is skipped with that reason.
"""
import numpy as np

from ..case import Case, needs_numtensor, per_library, tensors

TITLE = "Training steps"
PLOT = "bars"


def convnet(nn):
    return nn.Sequential(
        nn.Conv2d(1, 32, 5), nn.MaxPool2d(3), nn.ReLU(),
        nn.Conv2d(32, 64, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(256, 200), nn.ReLU(), nn.Linear(200, 10))


def mlp(nn):
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def training_step(lib, model, x, y):
    """One SGD step, written as the lectures write it: the same code for every library."""
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    return step


def _step_case(make_model, x_shape, batch):
    def make(device="cpu"):
        rng = np.random.default_rng(0)
        x_np = rng.random(x_shape, dtype=np.float32)
        y_np = rng.integers(0, 10, batch)

        def build(name, mod, dev):
            if name == "numpy":
                return None
            mod.manual_seed(0)
            model = make_model(mod.nn).to(dev)
            x, y = tensors(name, mod, [x_np, y_np], dev)
            return training_step(mod, model, x, y)
        return {k: f for k, f in per_library(build, device).items() if f is not None}
    return make


NEEDS_CONVNET = needs_numtensor("nn.Sequential", "nn.Conv2d", "nn.MaxPool2d", "nn.ReLU",
                                "nn.Flatten", "nn.Linear", "nn.CrossEntropyLoss", "optim.SGD")
NEEDS_MLP = needs_numtensor("nn.Sequential", "nn.ReLU", "nn.Linear", "nn.CrossEntropyLoss",
                            "optim.SGD")

CASES = [
    Case("training", "lecture convnet step, batch 100 x 1x28x28", limit="<= 1.3x", quick=True,
         weight=5,
         needs=NEEDS_CONVNET, make=_step_case(convnet, (100, 1, 28, 28), 100)),
    Case("training", "MLP 784-256-10 step, batch 128", limit="<= 1.5x", quick=True, weight=2,
         needs=NEEDS_MLP, make=_step_case(mlp, (128, 784), 128)),
]
