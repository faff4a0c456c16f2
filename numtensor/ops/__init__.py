"""Every op once: checks, result shape/dtype, kernel call and gradient.

The public numtensor namespace and the Tensor methods both point here.
"""
from .elementwise import (add, sub, mul, div, neg, abs, pow, exp, log, sqrt, where,  # noqa: F401
                          maximum, minimum, clamp, round, eq, ne, lt, le, gt, ge)
from .reductions import (sum, mean, prod, amax, amin, argmax, argmin, max, min, var, std, norm,  # noqa: F401
                         dist, logsumexp, cumsum, cumprod, all, any, equal, count_nonzero,
                         aminmax, sum_to_shape)
from .views import (view, view_as, reshape, reshape_as, flatten, unflatten, permute, transpose,  # noqa: F401
                    swapaxes, swapdims, t, expand, expand_as, broadcast_to, narrow, select,
                    squeeze, unsqueeze, as_strided, detach, movedim, moveaxis, unfold)
from .copy import clone, contiguous, copy_, fill_, zero_  # noqa: F401
from .conversion import to, item, numpy  # noqa: F401
from .indexing import getitem, setitem  # noqa: F401
