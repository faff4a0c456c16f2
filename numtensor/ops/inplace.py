"""In-place updates, and how they rewrite autograd history.

Every in-place op (add_, copy_, setitem, ...) goes through apply_inplace:
  1. a leaf that requires grad cannot be modified while grad mode is on;
  2. the new value is computed out of place (so its graph is an ordinary one);
  3. it must fit self's shape and dtype (PyTorch's errors), then is written into self;
  4. the storage's version counter moves, so stale saved tensors are detected;
  5. if the new value carries history, self takes it over; when self is a view, its
     base gets a CopySlices node so gradients reach the untouched part of the base.
"""
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.graph import record
from ._common import scalar_type_name, shape_str

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


def check_leaf(self):
    if self.requires_grad and self.grad_fn is None and is_grad_enabled():
        raise RuntimeError(LEAF_ERROR)
    base = self._base
    if base is not None and base.requires_grad and base.grad_fn is None and is_grad_enabled():
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation.")


def check_fits(self, value_dtype, value_shape):
    if value_dtype.category > self.dtype.category:
        raise RuntimeError(f"result type {scalar_type_name(value_dtype)} can't be cast to the "
                           f"desired output type {scalar_type_name(self.dtype)}")
    if tuple(value_shape) != tuple(self._shape):
        raise RuntimeError(f"output with shape {shape_str(self._shape)} doesn't match the "
                           f"broadcast shape {shape_str(value_shape)}")


def apply_inplace(self, compute, others=()):
    """self[...] = compute(self); returns self.  compute builds the value out of place."""
    check_leaf(self)
    value = compute(self)
    check_fits(self, value.dtype, value._shape)
    write(self, value)
    return self


def write(self, value):
    """Store value (broadcast to self's shape) into self and take over its history."""
    from .dispatch import copy_into
    copy_into(self, value)
    self._storage._version += 1
    if is_grad_enabled() and (value.requires_grad or self.requires_grad):
        _rebase_history(self, value)


def _rebase_history(self, value):
    from .conversion import to
    new = value if value.dtype is self.dtype else to(value, self.dtype)
    if tuple(new._shape) != tuple(self._shape):
        from .views import expand
        new = expand(new, self._shape)
    base = self._base
    if base is None:
        self.grad_fn = new.grad_fn
        self._output_nr = new._output_nr
        self.requires_grad = new.requires_grad or self.requires_grad
        if new.grad_fn is None and new.requires_grad:
            # the value is a leaf (copy_ of a leaf): route through an identity node
            record("CopyBackwards", self, (new,), lambda g: (g,))
        return
    _copy_slices(base, self, new)


def _copy_slices(base, view, new):
    """base gets history: old base outside the view's region, `new` inside it."""
    geometry = (view._shape, view._strides, view._offset)
    base_geometry = (base._shape, base._strides, base._offset)
    old_edge_holder = _snapshot(base)

    def region_of(g):
        return _region(g, base_geometry, geometry)

    def backward(g):
        g_base = g.clone()
        region_of(g_base).zero_()
        return g_base, region_of(g)

    record("CopySlices", base, (old_edge_holder, new), backward)
    # the view now reads from the rewritten base
    view.grad_fn = None
    view.requires_grad = False
    if base.requires_grad:
        shape, strides, offset = geometry

        def view_backward(g):
            from .._creation import zeros
            gb = zeros(base_geometry[0], dtype=g.dtype, device=g.device)
            _region(gb, base_geometry, geometry).copy_(g)
            return (gb,)
        record("AsStridedBackward0", view, (base,), view_backward)


def _snapshot(t):
    """A stand-in holding t's current history (t's own node is about to change)."""
    from .._tensor import Tensor
    s = Tensor(t._storage, t._offset, t._shape, t._strides)
    s.requires_grad = t.requires_grad
    s.grad_fn = t.grad_fn
    s._output_nr = t._output_nr
    if t.grad_fn is None and t.requires_grad:
        s.__dict__["_accumulator"] = t.__dict__.get("_accumulator")
        if s.__dict__["_accumulator"] is None:
            from ..autograd.graph import _edge_for
            s.__dict__["_accumulator"] = _edge_for(t)[0]
    return s


def _region(g, base_geometry, geometry):
    """The part of g (shaped like the base) that the view covers."""
    from .._tensor import Tensor
    from ..backends.plan import contiguous_strides
    from .copy import contiguous_copy
    base_shape, base_strides, base_off = base_geometry
    shape, strides, offset = geometry
    # express the view in the base's logical index space, then in g's (contiguous) layout
    g = g if g.is_contiguous() else contiguous_copy(g)
    gst = contiguous_strides(base_shape)
    rel = offset - base_off
    # decompose rel and each view stride into base index steps (base strides are dense)
    order = sorted(range(len(base_shape)), key=lambda d: -base_strides[d])

    def to_g(v):
        out = 0
        for d in order:
            if base_strides[d] == 0:
                continue
            q, v = divmod(v, base_strides[d])
            out += q * gst[d]
        return out
    return Tensor(g._storage, g._offset + to_g(rel), shape, tuple(to_g(s) for s in strides))
