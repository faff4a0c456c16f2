"""The CUDA backend (numba.cuda kernels with the CPU backend's interface).

Not written yet: tensors can be described as living on a CUDA device, but no kernel
runs there, so moving data to CUDA raises a clear error.
"""


def cuda_backend():
    raise NotImplementedError("the CUDA backend is not implemented yet; use device='cpu'")
