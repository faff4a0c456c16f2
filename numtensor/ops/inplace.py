"""In-place updates, and how they rewrite autograd history.

Every in-place op (add_, copy_, setitem, ...) goes through apply_inplace or write:
  1. a leaf that requires grad (or a view of one) cannot be modified while grad mode is on;
  2. the new value is computed out of place, from a frozen copy of self when history is
     recorded (the backward of the op must see self's old values, which are about to be
     overwritten);
  3. it must fit self's shape and dtype (PyTorch's errors), then is written into self;
  4. the storage's version counter moves, so stale saved tensors are detected;
  5. autograd rewrites the history (numtensor/autograd/history.py): self takes over the
     value's, or, when self is a view, its base gets a CopySlices node.
"""
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.graph import edge_for
from ..autograd.history import attach_history, rebase_history
from ._common import scalar_type_name, shape_str

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_ERROR = ("a view of a leaf Variable that requires grad is being used in an in-place "
                      "operation.")


def check_leaf(self):
    if not is_grad_enabled():
        return
    base = self._base
    if self._requires_grad and self.grad_fn is None:  # (a leaf made from a view is a view)
        raise RuntimeError(LEAF_ERROR if base is None else VIEW_OF_LEAF_ERROR)
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


def apply_inplace(self, compute, others=(), check_overlap=False):
    """self[...] = compute(self); returns self.  compute builds the value out of place.
    check_overlap: refuse an expanded self after the op's own argument checks have run
    (PyTorch's order: an op's dtype errors come before the overlap error)."""
    check_leaf(self)
    current = frozen_copy(self) if _records_history(self, others) else self
    value = compute(current)
    if check_overlap:
        from ._common import check_no_internal_overlap
        check_no_internal_overlap(self)
    check_fits(self, value.dtype, value._shape)
    write(self, value)
    return self


def frozen_copy(t):
    """A copy of t's values that carries t's history (same node, same leaf sink)."""
    from .copy import contiguous_copy
    c = contiguous_copy(t)
    if t._requires_grad:
        attach_history(c, *edge_for(t))
    return c


def write(self, value, name="CopyBackwards"):
    """Store value (broadcast to self's shape) into self and take over its history.

    name: the node self gets when value carries no history but self must keep one
    (fill_ on a tensor that requires grad is ZeroBackward0/FillBackward...).
    """
    from .dispatch import copy_into
    copy_into(self, value)
    self._storage._version += 1
    rebase_history(self, value, name)
