"""LAPACK-class linear algebra for CUDA tensors, run on the host.

inv, solve, det, slogdet, lstsq, eig, eigvals, eigh, cholesky, qr, svd and the
error-message helpers copy their (contiguous) input spans to the host, call the CPU
backend's LAPACK kernels there, and copy the results back: a sync and two transfers
per call.  Matrix products (matmul) run on the GPU; these factorisations are small
in the courses numtensor serves, and cuSOLVER is not reachable through numba.cuda.
"""
import numpy as np


def on_host(method, args, reads, writes):
    """The CPU backend's `method` called with `args` (the interface's positional
    arguments), after replacing the device operands at the positions in `reads` and
    `writes` ({position: element count}) with host copies; the `writes` are copied
    back to the device afterwards.  Returns what the CPU method returns (info arrays
    are host arrays already)."""
    from .. import backend_for
    from ..._device import CPU
    from . import cuda_backend
    gpu = cuda_backend()
    call = list(args)
    for pos, count in reads.items():
        buf, off = args[pos]
        call[pos] = (np.array(gpu.to_host(buf, off, count)), 0)
    for pos, count in writes.items():
        if pos not in reads:
            call[pos] = (np.zeros(count, args[pos][0].dtype), 0)
    result = getattr(backend_for(CPU), method)(*call)
    for pos, count in writes.items():
        buf, off = args[pos]
        gpu.write_from_host(buf, off, call[pos][0][:count])
    return result
