"""A short tour of the lectures with numtensor, then a mini benchmark.

    python notebooks/lecture_tour.py

Every snippet is lecture code with `import numtensor as torch`; the benchmark times
numtensor beside NumPy (and PyTorch when it is installed) in the same process.
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numtensor as torch  # noqa: E402


def show(title, code):
    print(f"\n>>> {title}")
    for line in code.strip().splitlines():
        print("    " + line)
    scope = {"torch": torch, "np": np}
    lines = code.strip().splitlines()
    exec("\n".join(lines[:-1]), scope)
    print(eval(lines[-1], scope))


def tour():
    print("== numtensor: lecture snippets ==")
    show("d2l 2.1: arange and reshape", "x = torch.arange(12, dtype=torch.float32)\nx.reshape(3, 4)")
    show("d2l 2.1: broadcasting", "a = torch.arange(3).reshape((3, 1))\nb = torch.arange(2).reshape((1, 2))\na + b")
    show("d2l 2.3: reductions", "A = torch.arange(6, dtype=torch.float32).reshape(2, 3)\n"
         "A.sum(axis=1, keepdims=True)")
    show("EE-559 1.4: fill_, mean, std", "x = torch.empty(2, 5)\nx.fill_(1.125)\n(x.mean(), x.std(), x.sum())")
    show("EE-559 1.6: storage and strides", "n = torch.linspace(1, 4, 4)\n"
         "torch.tensor(0.).set_(n.storage(), 1, (3, 3), (0, 1))")
    show("EE-559 1.6: views share storage", "x = torch.zeros(2, 4)\ny = x.view(2, 2, 2)\n"
         "y[1, 1, 0] = 7.0\nx")
    show("EE-559 1.5: broadcasting", "A = torch.tensor([[1.], [2.], [3.], [4.]])\n"
         "B = torch.tensor([[5., -5., 5., -5., 5.]])\nA + B")
    show("d2l 2.5: automatic differentiation", "x = torch.arange(4.0)\nx.requires_grad_(True)\n"
         "y = 2 * torch.dot(x, x)\ny.backward()\n(y, x.grad)")
    show("EE-559 1.4: indexing and slicing", "torch.manual_seed(0)\nx = torch.empty(2, 4).random_(10)\n"
         "x[:, 1:3] = -1\nx")
    show("one-hot rows by advanced indexing", "y = torch.tensor([2, 0, 1])\n"
         "onehot = torch.zeros(3, 4)\nonehot[torch.arange(3), y] = 1\nonehot")
    show("EE-559 1.4: m.mv(x) and m @ x", "x = torch.tensor([10., 20., 30.])\n"
         "m = torch.tensor([[0., 0., 3.], [0., 2., 0.], [1., 0., 0.]])\n(m.mv(x), m @ x)")
    show("EE-559 1.4: least squares (torch.gels is linalg.lstsq)",
         "data = torch.tensor([[39., 144], [47, 220], [45, 138], [47, 145], [65, 162], [46, 142],\n"
         "                     [67, 170], [42, 124], [67, 158], [56, 154], [64, 162], [56, 150],\n"
         "                     [59, 140], [34, 110], [42, 128]])\n"
         "x = torch.stack([data[:, 0], torch.ones(len(data))], 1)\n"
         "alpha = torch.linalg.lstsq(x, data[:, 1:]).solution\nalpha.flatten()")
    try:
        torch.ones([3, 2]) + torch.ones([2, 3])
    except RuntimeError as e:
        print(f"\n>>> torch.ones([3,2]) + torch.ones([2,3])\nRuntimeError: {e}")


def _time(fn, repeat=7):
    fn()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def mini_benchmark():
    try:
        import torch as real_torch
    except ImportError:
        real_torch = None
    print("\n== mini benchmark (best of 7; lower is better) ==")
    rng = np.random.default_rng(0)
    a = rng.random(10**7, dtype=np.float32)
    b = rng.random(10**7, dtype=np.float32)
    m = rng.random((3000, 3000), dtype=np.float32)
    cases = [
        ("a + b, 1e7 float32", lambda x, y, mm: x + y),
        ("exp(a), 1e7 float32", lambda x, y, mm: x.exp() if hasattr(x, "exp") else np.exp(x)),
        ("a.sum(), 1e7 float32", lambda x, y, mm: x.sum()),
        ("m.sum(0), 3000x3000", lambda x, y, mm: mm.sum(0)),
    ]
    libs = [("numtensor", torch.from_numpy), ("numpy", lambda z: z)]
    if real_torch is not None:
        libs.append(("pytorch", real_torch.from_numpy))
    print(f"{'case':24s}" + "".join(f"{name:>12s}" for name, _ in libs))
    for title, fn in cases:
        row = []
        for _, conv in libs:
            x, y, mm = conv(a), conv(b), conv(m)
            row.append(_time(lambda: fn(x, y, mm)))
        print(f"{title:24s}" + "".join(f"{t * 1e3:10.2f}ms" for t in row))


if __name__ == "__main__":
    tour()
    mini_benchmark()
