"""CUDA: the four figures the CUDA issue asks for, on the GPU only (--device cuda).

Element-wise add of 1e8 float32 and a sum of 1e8 float32, in GB/s and as a share of
the device's memory bandwidth (its theoretical peak: memory clock x bus width, from
the driver); a 4096 x 4096 float32 matmul in GFLOP/s (the nt/torch column is the
ratio to PyTorch's cuBLAS); the lectures' convnet training step at batch 100.  Every
call is followed by a device synchronisation inside the timing.  Without a GPU the
cases are skipped, and the report says so in one line.
"""
import numpy as np

from ..case import Case, side_by_side
from .linalg import flops, operands
from .training import NEEDS_CONVNET, _step_case, convnet

TITLE = "CUDA: element-wise, reduction, matmul and convnet step on the GPU"
PLOT = "bars"

N = 10**8
MATMUL_N = 4096


def _vectors(k):
    return lambda: [np.random.default_rng(0).random(N, dtype=np.float32) for _ in range(k)]


CASES = [
    Case("cuda", "add 1e8 float32", limit=">= 70% of device bandwidth", bytes=3.0 * 4 * N,
         gpu_only=True, quick=True, weight=3, make=side_by_side(_vectors(2), lambda a, b: a + b)),
    Case("cuda", "sum() 1e8 float32", limit=">= 60% of device bandwidth", bytes=4.0 * N,
         gpu_only=True, quick=True, weight=2, make=side_by_side(_vectors(1), lambda a: a.sum())),
    Case("cuda", f"matmul {MATMUL_N}x{MATMUL_N} float32", limit="ratio to PyTorch",
         flops=flops((MATMUL_N, MATMUL_N), (MATMUL_N, MATMUL_N)), dtype="float32 (GPU)",
         gpu_only=True, quick=True, weight=3,
         make=side_by_side(operands((MATMUL_N, MATMUL_N), (MATMUL_N, MATMUL_N), np.float32),
                           lambda a, b: a @ b)),
    # (not "convnet" in the name: test_benchmarks selects groups with the pattern "conv")
    Case("cuda", "lecture CNN training step, batch 100 x 1x28x28", limit="<= 2x PyTorch",
         gpu_only=True, quick=True, weight=5, needs=NEEDS_CONVNET,
         make=_step_case(convnet, (100, 1, 28, 28), 100)),
]
