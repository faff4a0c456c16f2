"""PyTorch's public `torch.backends` namespace, answered truthfully for numtensor.

numtensor runs on the CPU through Numba and on NVIDIA GPUs through numba.cuda; it has
no MPS, cuDNN, MKL-DNN or OpenMP-specific flags of its own.  The flags that PyTorch
code commonly sets (`cudnn.benchmark`, `cudnn.deterministic`) are accepted and stored,
so that such code runs unchanged, and the queries say what is really there.
(The kernels themselves live in the private package numtensor._backends.)
"""
from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401
