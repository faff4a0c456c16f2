"""In-place updates, and how they rewrite autograd history.

Every in-place op (add_, copy_, setitem, ...) goes through apply_inplace or write:
  1. a leaf that requires grad (or a view of one) cannot be modified while grad mode is on;
  2. the new value is computed out of place, from a frozen copy of self when history is
     recorded (the backward of the op must see self's old values, which are about to be
     overwritten);
  3. it must fit self's shape and dtype (PyTorch's errors), then is written into self;
  4. the storage's version counter moves, so stale saved tensors are detected;
  5. self takes over the value's history; when self is a view, its base gets a CopySlices
     node instead: the gradient of the written region flows to the value, the rest to
     the base's old history.
"""
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ..autograd.graph import record
from ._common import scalar_type_name, shape_str

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_ERROR = ("a view of a leaf Variable that requires grad is being used in an in-place "
                      "operation.")


def check_leaf(self):
    if not is_grad_enabled():
        return
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError(LEAF_ERROR)
    base = self._base
    if base is not None and base._requires_grad and base.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_ERROR)


def check_fits(self, value_dtype, value_shape):
    if value_dtype.category > self.dtype.category:
        raise RuntimeError(f"result type {scalar_type_name(value_dtype)} can't be cast to the "
                           f"desired output type {scalar_type_name(self.dtype)}")
    if tuple(value_shape) != tuple(self._shape):
        raise RuntimeError(f"output with shape {shape_str(self._shape)} doesn't match the "
                           f"broadcast shape {shape_str(value_shape)}")


def _records_history(self, others):
    if not is_grad_enabled():
        return False
    if self._requires_grad or (self._base is not None and self._base._requires_grad):
        return True
    return any(getattr(o, "_requires_grad", False) for o in others)


def apply_inplace(self, compute, others=()):
    """self[...] = compute(self); returns self.  compute builds the value out of place."""
    check_leaf(self)
    current = frozen_copy(self) if _records_history(self, others) else self
    value = compute(current)
    check_fits(self, value.dtype, value._shape)
    write(self, value)
    return self


def frozen_copy(t):
    """A copy of t's values that carries t's history (same node, same leaf sink)."""
    from .copy import contiguous_copy
    from ..autograd.graph import _edge_for
    c = contiguous_copy(t)
    if t._requires_grad:
        node, nr = _edge_for(t)
        _attach(c, node, nr)
    return c


def _attach(t, node, output_nr):
    """Give t the history (node, output_nr); an AccumulateGrad node means 'this leaf'."""
    from ..autograd.graph import AccumulateGrad
    t._requires_grad = True
    if isinstance(node, AccumulateGrad):
        t.grad_fn = None
        t.__dict__["_accumulator"] = node
    else:
        t.grad_fn = node
        t._output_nr = output_nr


def write(self, value, name="CopyBackwards"):
    """Store value (broadcast to self's shape) into self and take over its history.

    name: the node self gets when value carries no history but self must keep one
    (fill_ on a tensor that requires grad is ZeroBackward0/FillBackward...).
    """
    from .dispatch import copy_into
    copy_into(self, value)
    self._storage._version += 1
    if not is_grad_enabled():
        return
    base = self._base
    if value._requires_grad or self._requires_grad or (base is not None and base._requires_grad):
        _rebase_history(self, value, name)


def _rebase_history(self, value, name):
    from .conversion import to
    from .views import expand
    new = value if value.dtype is self.dtype else to(value, self.dtype)
    if tuple(new._shape) != tuple(self._shape):
        new = expand(new, self._shape)
    if self._base is not None:
        _copy_slices(self._base, self, new)
    elif new._requires_grad:
        if new.grad_fn is None:
            # the value is a leaf (copy_ of a leaf): route it through an identity node
            record(name, self, (new,), lambda g: (g,))
        else:
            self.grad_fn = new.grad_fn
            self._output_nr = new._output_nr
            self._requires_grad = True
            self._history_version = self._storage._version
            _save_self_instead_of(new, self)
    else:
        # the new values are constants: the old history gets a zero gradient
        from .._creation import zeros_like
        record(name, self, (_with_history_of(self),), lambda g: (zeros_like(g),))


def _save_self_instead_of(value, self):
    """An op that saved its result (exp_, sigmoid_ ...) now saved self: as in PyTorch,
    modifying self again before backward is then an error."""
    node = value.grad_fn
    if node._saved:
        node._saved = tuple((self, self._version, node) if t is value else (t, v, f)
                            for t, v, f in node._saved)


def _geometry(t):
    return t._offset, t._shape, t._strides


def _as_geometry(storage_tensor, geometry):
    """A tensor over storage_tensor's storage with the given (offset, shape, strides)."""
    from .._tensor import make_tensor
    offset, shape, strides = geometry
    return make_tensor(storage_tensor._storage, offset, shape, strides)


def _storage_sized_zeros(base, like):
    from .._creation import zeros
    return zeros((len(base._storage),), dtype=like.dtype, device=like.device)


def _copy_slices(base, view, new):
    """base gets history: its old history outside the view's region, `new` inside it.

    Gradients are laid out in a scratch buffer shaped like base's storage and read back
    with base's and view's own geometry, so any view (slices, transposes, steps) works.
    """
    base_geometry, view_geometry = _geometry(base), _geometry(view)
    old_base = _with_history_of(base)

    def backward(g):
        scratch = _storage_sized_zeros(base, g)
        _as_geometry(scratch, base_geometry).copy_(g)
        region = _as_geometry(scratch, view_geometry)
        grad_new = region.clone()
        region.zero_()
        return _as_geometry(scratch, base_geometry), grad_new

    record("CopySlices", base, (old_base, new), backward)
    # the view now reads its values (and gradient) from the rewritten base
    _view_of_base(view)


def _view_of_base(view):
    """view's history becomes 'these elements of its base' (AsStridedBackward0)."""
    base = view._base
    base_geometry, view_geometry = _geometry(base), _geometry(view)
    view.grad_fn = None
    view._requires_grad = False
    view._history_version = view._storage._version
    if base._requires_grad:
        def view_backward(g):
            scratch = _storage_sized_zeros(base, g)
            _as_geometry(scratch, view_geometry).copy_(g)
            return (_as_geometry(scratch, base_geometry),)
        with enable_grad():
            record("AsStridedBackward0", view, (base,), view_backward)


def refresh_view_history(view):
    """A view whose memory was written through another alias (its base, a sibling view)
    may hold values its recorded history does not explain: rebuild it from the base."""
    if view._requires_grad:
        _view_of_base(view)
    else:
        view._history_version = view._storage._version


def _with_history_of(t):
    """A stand-in tensor holding t's current history (t's own node is about to change)."""
    from .._tensor import make_tensor
    s = make_tensor(t._storage, t._offset, t._shape, t._strides)
    if t._requires_grad:
        from ..autograd.graph import _edge_for
        _attach(s, *_edge_for(t))
    return s
