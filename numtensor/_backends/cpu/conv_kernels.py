"""col2im: the adjoint of im2col, which sums columns back into an image-shaped gradient
(see plan.ConvPlan for the geometry; im2col itself is a strided copy, conv_columns.py).

One parallel kernel, no serial twin: a plane (n, c) of the image is one work item, so
no two threads write the same element, and each plane is zeroed and then gets its
kernel taps added in order (i, j), so the sums run in a fixed order whatever the thread
count.  For each tap the output columns whose input column lies inside the image are
found once ([lo, hi)), so the inner loop runs without bounds tests over slices (which
lets LLVM drop the index wrap-around checks and vectorise).  Geometry arrives as int64
arrays, so one compiled kernel per dtype serves every shape.  The body is kept short:
a cold first training step compiles it, and its former per-layout version with a serial
twin took about 5 s of compilation against 2 s for this one.
"""
import numpy as np
from numba import njit, prange
from .jit_options import NO_PYTHON_ENTRY

OPTS = dict(cache=True, nogil=True)
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)  # helpers called only from kernels


@njit(**HELPER)
def _col2im_plane(plane, cols, c_off, cs, g, out, o_off, os_):
    """Plane `plane` = (n, c) of the image: zeroed, then its kernel taps added in order."""
    C, H, W, KH, KW = g[1], g[2], g[3], g[4], g[5]
    OH, OW, SH, SW, PH, PW = g[6], g[7], g[8], g[9], g[10], g[11]
    DH, DW, CG, ONES = g[12], g[13], g[14], g[15]
    unit = SW * os_[3] == 1 and cs[2] == 1
    zero = out.dtype.type(0)
    n = plane // C
    c = plane - n * C
    base = o_off + n * os_[0] + c * os_[1]
    for ih in range(H):
        for iw in range(W):
            out[base + ih * os_[2] + iw * os_[3]] = zero
    for i in range(KH):
        for j in range(KW):
            row = c_off + n * cs[0] + ((c * KH + i) * KW + j + ONES * (c // CG)) * cs[1]
            # the output columns whose input column lies inside the image
            lo = max(0, (PW - j * DW + SW - 1) // SW)
            hi = min(OW, (W - 1 + PW - j * DW) // SW + 1)
            if hi <= lo:
                continue
            m = hi - lo
            iw0 = lo * SW - PW + j * DW
            for oh in range(OH):
                ih = oh * SH - PH + i * DH
                if ih < 0 or ih >= H:
                    continue
                d0 = base + ih * os_[2] + iw0 * os_[3]
                s0 = row + (oh * OW + lo) * cs[2]
                if unit:
                    dv = out[d0:d0 + m]
                    sv = cols[s0:s0 + m]
                    for t in range(m):
                        dv[t] += sv[t]
                else:
                    for t in range(m):
                        out[d0 + t * SW * os_[3]] += cols[s0 + t * cs[2]]


@njit(parallel=True, **OPTS)
def col2im(cols, c_off, cs, g, out, o_off, os_):
    # the parallel loop's body is one call: Numba's parallel passes over the whole body
    # took about 0.6 s more to compile
    for plane in prange(g[0] * g[1]):
        _col2im_plane(np.int64(plane), cols, c_off, cs, g, out, o_off, os_)


@njit(**OPTS)
def col2im_serial(cols, c_off, cs, g, out, o_off, os_):
    """col2im in a forked child, where no parallel region may run (see the backend's
    _serial_after_fork)."""
    for plane in range(g[0] * g[1]):
        _col2im_plane(np.int64(plane), cols, c_off, cs, g, out, o_off, os_)
