"""The arithmetic of weight normalization, composed from numtensor ops: the norm of v over
every dimension but one, and w = g * v / ||v||."""


def norm_except_dim(v, pow=2, dim=0):  # noqa: A002  (PyTorch's parameter name)
    """The p-norm of v over all dimensions except dim, kept as size-1 dimensions (dim=-1:
    the norm of the whole tensor, a 0-d tensor)."""
    if dim == -1:
        return v.norm(pow)
    if dim < 0:
        dim += v.dim()
    others = [d for d in range(v.dim()) if d != dim]
    if not others:
        return v.abs() if pow != 0 else (v != 0).to(v.dtype)
    return v.norm(pow, dim=others, keepdim=True)


def weight_norm(v, g, dim=0):
    """v scaled so that its norm over all dimensions but dim equals g."""
    return v * (g / norm_except_dim(v, 2, dim))
