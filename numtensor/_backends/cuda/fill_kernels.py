"""Creation fills that depend on the element index (arange, linspace) on CUDA.

They give the CPU's bits: arange multiplies and adds without fusing (mul_rn/add_rn),
and linspace uses the fused multiply-add the CPU emulates, PyTorch's symmetric
formula (the first half counts up from start, the second down from end)."""
from numba import cuda

from . import launch
from .device_functions import add_rn, fma, mul_rn
from .launch import THREADS


@cuda.jit(cache=True)
def arange_float(y, oy, n, start, step):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        y[oy + i] = add_rn(start, mul_rn(float(i), step))


@cuda.jit(cache=True)
def arange_int(y, oy, n, start, step):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        y[oy + i] = start + i * step


@cuda.jit(cache=True)
def linspace_kernel(y, oy, n, start, end, step):
    half = n // 2
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        if i < half:
            y[oy + i] = fma(step, float(i), start)
        else:
            y[oy + i] = fma(-step, float(n - 1 - i), end)


def arange(out, n, start, step):
    if not n:
        return
    buf, off = out
    kt = buf.dtype.type
    kernel = arange_float if buf.dtype.kind == "f" else arange_int
    launch.run(kernel, launch.blocks_for(n), THREADS, buf, off, n, kt(start), kt(step))


def linspace(out, n, start, end, step):
    if n:
        launch.run(linspace_kernel, launch.blocks_for(n), THREADS, out[0], out[1], n, float(start),
                   float(end), float(step))
