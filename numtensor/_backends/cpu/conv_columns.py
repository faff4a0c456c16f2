"""im2col on the CPU, composed of the backend's strided copy and fill; col2im's kernel.

Every column row of a convolution is a strided view of the input image: for a kernel
tap (i, j), the positions (n, oh, ow) read x[n, c, oh*SH - PH + i*DH, ow*SW - PW + j*DW].
So the whole column matrix (see plan.ConvPlan) is one strided copy of a 7-d view of x,
dims (groups, channels of a group, KH, KW, N, OH, OW), into the column buffer.  Where
windows reach into the padding, x is first copied into a zero-filled padded image.

No kernel of its own: a dedicated parallel im2col kernel and its serial twin cost
about 5 s of compilation on a cold cache, for a warm speed the copy kernel matches (it
walks the innermost output row in runs, as that kernel did).

col2im, the adjoint, sums overlapping windows, which a copy cannot do: it has a kernel
(conv_kernels.py).  Composing it of KH*KW strided adds, one per kernel tap, measured
3-10x slower.
"""
import numpy as np

from .. import plan as planner
from . import conv_kernels


# output rows (OW) shorter than this are copied with the batch dim innermost: measured on
# the lecture's second conv, (100, 32, 8, 8) with 5x5 taps (rows of 4), 1.8x faster; on
# its first, rows of 24, the row order stays 1.7x faster than the batch order
SHORT_ROW = 8


def _view_plan(shape, *strides):
    return planner.elementwise(tuple(shape), tuple(tuple(s) for s in strides))


class _Geometry:
    """A ConvPlan's numbers, and whether windows reach outside the image."""

    def __init__(self, pl):
        (self.n, self.c, self.h, self.w, self.kh, self.kw, self.oh, self.ow, self.sh, self.sw,
         self.ph, self.pw, self.dh, self.dw, self.cg, self.ones) = (int(v) for v in pl.geometry)
        self.groups = self.c // self.cg if self.c else 0
        self.hp = planner.padded_extent(self.h, self.ph, self.oh, self.kh, self.sh, self.dh)
        self.wp = planner.padded_extent(self.w, self.pw, self.ow, self.kw, self.sw, self.dw)
        self.padded = self.ph or self.pw or self.hp > self.h or self.wp > self.w
        self.rows_per_group = self.cg * self.kh * self.kw + self.ones

    def window_view(self, image_strides):
        """(shape, strides) of the 7-d view (G, CG, KH, KW, N, OH, OW) of an image
        (N, C, H, W) with the given strides, windows starting at its element 0."""
        sn, sc, sh, sw = image_strides
        shape = (self.groups, self.cg, self.kh, self.kw, self.n, self.oh, self.ow)
        strides = (self.cg * sc, sc, self.dh * sh, self.dw * sw, sn, self.sh * sh, self.sw * sw)
        return shape, strides

    def column_strides(self, cols_strides):
        """The strides of the same 7-d index space in the column buffer."""
        cn, ck, cp = cols_strides
        return (self.rows_per_group * ck, self.kh * self.kw * ck, self.kw * ck, ck, cn,
                self.ow * cp, cp)


def _padded_image(backend, g, dtype):
    """A zero-filled (N, C, HP, WP) buffer; returns (buffer, strides, offset of x's [0,0,0,0])."""
    strides = (g.c * g.hp * g.wp, g.hp * g.wp, g.wp, 1)
    size = g.n * strides[0]
    buf = backend.allocate(size, dtype)
    backend.fill(planner.contiguous_elementwise(size, 0), (buf, 0), 0)
    return buf, strides, g.ph * strides[2] + g.pw * strides[3]


def _image_shape(g):
    return (g.n, g.c, g.h, g.w)


def im2col(backend, pl, x, out):
    g = _Geometry(pl)
    xs = tuple(int(s) for s in pl.x_strides)
    cs = tuple(int(s) for s in pl.cols_strides)
    if g.padded:
        buf, ps, interior = _padded_image(backend, g, out[0].dtype)
        backend.copy(_view_plan(_image_shape(g), xs, ps), x, (buf, interior))
        src, src_strides = (buf, 0), ps
    else:
        src, src_strides = x, xs
    shape, view_strides = g.window_view(src_strides)
    col_strides = g.column_strides(cs)
    if g.ow < SHORT_ROW and g.n > g.ow:
        # output rows too short for the copy's runs to pay (the lecture's second conv:
        # rows of 4): the batch dim goes innermost instead, strided on both sides
        order = (0, 1, 2, 3, 5, 6, 4)
        pl = planner.elementwise_in_order(tuple(shape[d] for d in order),
                                          (tuple(view_strides[d] for d in order),
                                           tuple(col_strides[d] for d in order)))
    else:
        pl = _view_plan(shape, view_strides, col_strides)
    backend.copy(pl, src, out)
    if g.ones:  # each group's last row: ones, which multiply the bias column of the weights
        positions = g.oh * g.ow
        one = np.ones(1, out[0].dtype)
        for group in range(g.groups):
            row = (group + 1) * g.rows_per_group - 1
            at = (out[0], out[1] + row * cs[1])
            if cs[0] == positions * cs[2]:  # the batch's rows are one run: the flat fill
                backend.fill(_view_plan((g.n, positions), (cs[0], cs[2])), at, 1)
            else:  # columns sample by sample: a one broadcast by the strided copy kernel
                # that im2col compiled already (a strided fill is one more to compile)
                backend.copy(_view_plan((g.n, positions), (0, 0), (cs[0], cs[2])), (one, 0), at)


def col2im(backend, pl, cols, out, serial=False):
    kernel = conv_kernels.col2im_serial if serial else conv_kernels.col2im
    kernel(cols[0], cols[1], pl.cols_strides, pl.geometry, out[0], out[1], pl.x_strides)
