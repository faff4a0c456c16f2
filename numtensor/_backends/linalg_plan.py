"""Device-independent bookkeeping for the matrix kernels: layouts and batch offsets."""
import numpy as np


def matrix_layout(rows, cols, row_stride, col_stride):
    """'n' for a row-major (rows, cols) matrix, 't' for the transpose of a row-major
    (cols, rows) one (x.t() of a contiguous x), None for anything else.  Strides of
    size-1 dims do not matter."""
    if (col_stride == 1 or cols == 1) and (row_stride == cols or rows == 1):
        return "n"
    if (row_stride == 1 or rows == 1) and (col_stride == rows or cols == 1):
        return "t"
    return None


def batch_offsets(offset, batch_shape, batch_strides):
    """int64 array: the first element of every matrix in a (broadcast) batch, row-major."""
    offs = np.array([offset], dtype=np.int64)
    for size, stride in zip(batch_shape, batch_strides):
        offs = (offs[:, None] + np.arange(size, dtype=np.int64) * stride).ravel()
    return offs
