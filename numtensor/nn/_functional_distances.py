"""Norms and distances between vectors: normalize, cosine_similarity, pairwise_distance.

PyTorch composes these of ordinary ops too (their grad_fn is DivBackward0, SumBackward1,
NormBackward1), so numtensor does the same and keeps the composition's own nodes."""
from .functional import _wrap_dim


def _broadcast_pair(a, b):
    """a and b expanded to their common shape (the element-wise ops' error otherwise)."""
    ndim = max(a.ndim, b.ndim)
    shape = []
    for dim in range(ndim):
        size_a = a.shape[dim - ndim + a.ndim] if dim >= ndim - a.ndim else 1
        size_b = b.shape[dim - ndim + b.ndim] if dim >= ndim - b.ndim else 1
        if size_a != size_b and 1 not in (size_a, size_b):
            raise RuntimeError(f"The size of tensor a ({size_a}) must match the size of tensor b "
                               f"({size_b}) at non-singleton dimension {dim}")
        shape.append(size_b if size_a == 1 else size_a)
    return a.expand(shape), b.expand(shape)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps)."""
    from .. import div
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return div(input, denom, out=out)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along dim, after
    broadcasting x1 and x2."""
    x1, x2 = _broadcast_pair(x1, x2)
    dim = _wrap_dim(dim, x1.ndim)
    norm1 = x1.norm(2, dim, keepdim=True).clamp_min(eps)
    norm2 = x2.norm(2, dim, keepdim=True).clamp_min(eps)
    return ((x1 / norm1) * (x2 / norm2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dim (of the broadcast shape)."""
    diff = x1 - x2 + eps
    return diff.norm(p, max(diff.ndim - 1, 0), keepdim=keepdim)


__all__ = ["normalize", "cosine_similarity", "pairwise_distance"]
