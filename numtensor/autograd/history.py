"""How in-place writes rewrite autograd history (PyTorch's rebase_history / CopySlices).

After `self[...] = value` (any in-place op), self's values are value's: self takes over
value's history.  When self is a view, its base gets a CopySlices node instead: the
gradient of the written region flows to the value, the rest to the base's old history,
and the view then reads its values (and gradient) from the rewritten base.  A view
whose memory was written through another alias gets the same treatment lazily, when
autograd next meets it (refresh_view_history, called from graph.edge_for).

The gradients are laid out in a scratch buffer shaped like the base's storage and read
back with the base's and the view's own geometry, so any view (slices, transposes,
steps) works.  Everything here is written with public tensor ops, imported on use.
"""
from .derivatives import attach, derivative
from .grad_mode import enable_grad, is_grad_enabled
from .graph import AccumulateGrad, edge_for


def _ops():
    from .. import ops
    return ops


def _as_geometry(storage_tensor, geometry):
    """A tensor over storage_tensor's storage with the given (offset, shape, strides)."""
    from .._tensor import make_tensor
    offset, shape, strides = geometry
    return make_tensor(storage_tensor._storage, offset, shape, strides)


def _geometry(t):
    return t._offset, t._shape, t._strides


def _storage_sized_zeros(size, like):
    from .._alloc import zeros
    return zeros((size,), like.dtype, like.device)


@derivative("CopySlices", inputs=("base", "src"))
def _copy_slices_backward(ctx, grad):
    scratch = _storage_sized_zeros(ctx.storage_size, grad)
    _as_geometry(scratch, ctx.base_geometry).copy_(grad)
    region = _as_geometry(scratch, ctx.view_geometry)
    grad_src = region.clone()
    region.zero_()
    return _as_geometry(scratch, ctx.base_geometry), grad_src


@derivative("AsStridedBackward0", inputs=("base",))
def _view_of_base_backward(ctx, grad):
    scratch = _storage_sized_zeros(ctx.storage_size, grad)
    _as_geometry(scratch, ctx.view_geometry).copy_(grad)
    return (_as_geometry(scratch, ctx.base_geometry),)


@derivative("CopyBackwards", inputs=("src",))
def _identity_backward(ctx, grad):
    return (grad,)


@derivative("ZeroBackward0", inputs=("self",))
def _zero_backward(ctx, grad):
    from .._alloc import zeros
    return (zeros(grad._shape, grad.dtype, grad.device),)


def attach_history(t, node, output_nr):
    """Give t the history (node, output_nr); an AccumulateGrad node means 'this leaf'."""
    t._requires_grad = True
    if isinstance(node, AccumulateGrad):
        t.grad_fn = None
        t.__dict__["_accumulator"] = node
    else:
        t.grad_fn = node
        t._output_nr = output_nr


def with_history_of(t):
    """A stand-in tensor holding t's current history (t's own node is about to change)."""
    from .._tensor import make_tensor
    s = make_tensor(t._storage, t._offset, t._shape, t._strides)
    if t._requires_grad:
        attach_history(s, *edge_for(t))
    return s


def rebase_history(self, value, name="CopyBackwards"):
    """self now holds value's values (already written): give self (or its base) the
    history that explains them.  name: the node self gets when value carries no history
    but self must keep one (fill_ on a tensor that requires grad is FillBackward2 ...)."""
    if not is_grad_enabled():
        return
    base = self._base
    if not (value._requires_grad or self._requires_grad or (base is not None and base._requires_grad)):
        return
    ops = _ops()
    new = value if value.dtype is self.dtype else ops.to(value, self.dtype)
    if tuple(new._shape) != tuple(self._shape):
        new = ops.expand(new, self._shape)
    if base is not None:
        _copy_slices(base, self, new)
    elif new._requires_grad:
        if new.grad_fn is None:
            # the value is a leaf (copy_ of a leaf): route it through an identity node
            attach(_identity_backward, self, (new,), node_name=name)
        else:
            self.grad_fn = new.grad_fn
            self._output_nr = new._output_nr
            self._requires_grad = True
            self._history_version = self._storage._version
            _save_self_instead_of(new, self)
    else:
        # the new values are constants: the old history gets a zero gradient
        attach(_zero_backward, self, (with_history_of(self),), node_name=name)


def _save_self_instead_of(value, self):
    """An op that saved its result (exp_, sigmoid_ ...) now saved self: as in PyTorch,
    modifying self again before backward is then an error."""
    node = value.grad_fn
    if node._saved:
        node._saved = tuple((self, self._version, node) if t is value else (t, v, f)
                            for t, v, f in node._saved)


def _copy_slices(base, view, new):
    """base gets history: its old history outside the view's region, `new` inside it."""
    attach(_copy_slices_backward, base, (with_history_of(base), new),
           storage_size=len(base._storage), base_geometry=_geometry(base),
           view_geometry=_geometry(view))
    # the view now reads its values (and gradient) from the rewritten base
    _view_of_base(view)


def _view_of_base(view):
    """view's history becomes 'these elements of its base' (AsStridedBackward0)."""
    base = view._base
    view.grad_fn = None
    view._requires_grad = False
    view._history_version = view._storage._version
    if base._requires_grad:
        with enable_grad():
            attach(_view_of_base_backward, view, (base,), storage_size=len(base._storage),
                   base_geometry=_geometry(base), view_geometry=_geometry(view))


def refresh_view_history(view):
    """A view whose memory was written through another alias (its base, a sibling view)
    may hold values its recorded history does not explain: rebuild it from the base."""
    if view._requires_grad:
        _view_of_base(view)
    else:
        view._history_version = view._storage._version
