"""nn speed (issue: nn, the lecture convnet): training steps, convolutions, max-pooling,
and the cold / warm-cache first training step, numtensor beside PyTorch CPU.

    python benchmarks/cases/nn.py          # standalone: every case, then the first steps

CASES follows the benchmark harness's convention (name, limit, make -> {library:
callable}); bench.py can run it as the area "nn".  Each library is timed in a block of
its own (two passes, the better median), because two OpenMP pools spinning in one
process distort each other.  The machine's load average is printed first: on a shared
2-core machine the absolute times, and parallel kernels most of all, vary several-fold
with what else runs; compare the ratios taken in one run.
"""
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np

import numtensor as nt

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None


def _libraries():
    return [("numtensor", nt)] + ([("torch", torch)] if torch is not None else [])


def _batch(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _convnet(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 5), nn.MaxPool2d(3), nn.ReLU(),
        nn.Conv2d(32, 64, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(256, 200), nn.ReLU(), nn.Linear(200, 10))


def _mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def _training_step(lib, make_model, x_shape, classes=10):
    lib.manual_seed(0)
    model = make_model(lib)
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1)
    x = lib.tensor(_batch(x_shape))
    y = lib.tensor(np.random.default_rng(1).integers(0, classes, x_shape[0]))

    def step():
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


def convnet_step():
    return {name: _training_step(lib, _convnet, (100, 1, 28, 28)) for name, lib in _libraries()}


def mlp_step():
    return {name: _training_step(lib, _mlp, (128, 784)) for name, lib in _libraries()}


def _conv_forward(x_shape, w_shape):
    def make():
        x, w, b = _batch(x_shape), _batch(w_shape, 1), _batch(w_shape[:1], 2)
        r = {}
        for name, lib in _libraries():
            xt, wt, bt = lib.tensor(x), lib.tensor(w), lib.tensor(b)
            r[name] = (lambda lib, xt, wt, bt: lambda: lib.nn.functional.conv2d(xt, wt, bt))(
                lib, xt, wt, bt)
        return r
    return make


def max_pool_forward_backward():
    x = _batch((100, 32, 24, 24))
    r = {}
    for name, lib in _libraries():
        xt = lib.tensor(x, requires_grad=True)
        g = lib.ones(100, 32, 8, 8)

        def run(lib=lib, xt=xt, g=g):
            xt.grad = None
            lib.nn.functional.max_pool2d(xt, 3).backward(g)
        r[name] = run
    return r


CASES = [
    ("lecture convnet training step, batch 100", "<= 1.3x", convnet_step),
    ("MLP 784-256-10 training step, batch 128", "<= 1.5x", mlp_step),
    ("conv2d fwd (100,1,28,28) * 32 5x5 (+bias)", "<= 1.5x",
     _conv_forward((100, 1, 28, 28), (32, 1, 5, 5))),
    ("conv2d fwd (100,32,8,8) * 64 5x5 (+bias)", "<= 1.5x",
     _conv_forward((100, 32, 8, 8), (64, 32, 5, 5))),
    ("max_pool2d(3) fwd+bwd (100,32,24,24)", "<= 1.0x", max_pool_forward_backward),
]


# ---- the first training step, in fresh processes --------------------------------------------
_FIRST_STEP = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {cases!r})
    import nn as cases
    import numtensor
    step = cases._training_step(numtensor, cases._convnet, (100, 1, 28, 28))
    t0 = time.perf_counter()
    step()
    print(time.perf_counter() - t0)
""")


def first_steps():
    """(cold, warm) seconds of the convnet's first training step: an empty kernel cache,
    then the same cache again, each in a fresh process."""
    env = dict(os.environ)
    env["NUMTENSOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="numtensor-cold-")
    env.pop("NUMBA_CACHE_DIR", None)
    code = _FIRST_STEP.format(cases=os.path.dirname(os.path.abspath(__file__)))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    times = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root,
                             capture_output=True, text=True, check=True).stdout
        times.append(float(out.split()[-1]))
    return times


def _header():
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    import numba
    layer = os.environ.get("NUMBA_THREADING_LAYER", "default")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores; "
          f"numtensor threads {nt.get_num_threads()} (numba {numba.__version__}, threading "
          f"layer {layer})" + (f"; torch {torch.__version__}, threads {torch.get_num_threads()}"
                               if torch is not None else ""))


def main():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from harness import run_cases
    _header()
    run_cases(CASES)
    cold, warm = first_steps()
    print(f"{'first convnet training step, cold cache':46s} {cold:8.2f} s   limit <= 8 s")
    print(f"{'first convnet training step, warm cache':46s} {warm:8.2f} s   limit <= 1 s")
    _header()


if __name__ == "__main__":
    main()
