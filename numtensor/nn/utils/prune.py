"""torch.nn.utils.prune: pruning a module's parameter by a mask.

Pruning module.<name> moves the parameter to <name>_orig, registers the mask as the buffer
<name>_mask and keeps <name> = <name>_mask * <name>_orig as a plain attribute, recomputed
by a forward pre-hook (the pruning method itself).  Pruning the same tensor again combines
the methods in a PruningContainer.  remove() makes the pruning permanent.  Random methods
draw from the default generator exactly as PyTorch does (rand_like / rand), and magnitude
methods rank with topk, so the same seed and weights give the same masks.
"""
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured",
           "L1Unstructured", "RandomStructured", "LnStructured", "CustomFromMask",
           "identity", "random_unstructured", "l1_unstructured", "random_structured",
           "ln_structured", "global_unstructured", "custom_from_mask", "remove",
           "is_pruned"]


def _nt():
    import numtensor
    return numtensor


class BasePruningMethod(ABC):
    """Abstract base of the pruning methods.  A subclass defines compute_mask(t,
    default_mask) and a PRUNING_TYPE ('unstructured', 'structured' or 'global').  An
    instance is also the forward pre-hook that recomputes the pruned tensor."""

    _tensor_name = None

    def __call__(self, module, inputs):
        """Recompute module.<name> = mask * orig (run before each forward)."""
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The mask for tensor t, given the mask of earlier prunings (default_mask)."""

    def apply_mask(self, module):
        """module.<name>_mask * module.<name>_orig."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune module.<name> with cls(*args, **kwargs), combining it with an earlier
        pruning of the same tensor; returns the method (or container) now in charge."""
        method = _compose(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None:
            if importance_scores.shape != orig.shape:
                raise AssertionError(
                    f"importance_scores should have the same shape as parameter {name} of "
                    f"{module}, got {importance_scores.shape} vs {orig.shape}")
        else:
            importance_scores = orig
        first = not isinstance(method, PruningContainer)
        if first:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = _nt().ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first:
                orig = getattr(module, name + "_orig")
                module.register_parameter(name, orig)
                del module._parameters[name + "_orig"]
            raise
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """t times its mask (computed from importance_scores, default t)."""
        if importance_scores is not None:
            if importance_scores.shape != t.shape:
                raise AssertionError("importance_scores should have the same shape as tensor "
                                     f"t, got {importance_scores.shape} vs {t.shape}")
        else:
            importance_scores = t
        if default_mask is None:
            default_mask = _nt().ones_like(t)
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module):
        """Make the pruning permanent: module.<name> becomes a Parameter holding the pruned
        values; <name>_orig and <name>_mask are removed."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be "
                                 "removed")
        weight = self.apply_mask(module)
        if hasattr(module, self._tensor_name):
            delattr(module, self._tensor_name)
        orig = module._parameters[self._tensor_name + "_orig"]
        orig.data = weight.data
        del module._parameters[self._tensor_name + "_orig"]
        del module._buffers[self._tensor_name + "_mask"]
        setattr(module, self._tensor_name, orig)


def _compose(cls, module, name, *args, **kwargs):
    """cls(*args, **kwargs) for module.<name>, merged with the pruning hook already on that
    tensor (whose registration is dropped: the caller registers the result)."""
    old, keys = None, []
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            old = hook
            keys.append(key)
    if len(keys) > 1:
        raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} "
                             f"of module {module}. Use a PruningContainer.")
    for key in keys:
        del module._forward_pre_hooks[key]
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if old is None:
        return method
    if isinstance(old, PruningContainer):
        old.add_pruning_method(method)
        return old
    container = PruningContainer(old)
    container.add_pruning_method(method)
    return container


class PruningContainer(BasePruningMethod):
    """PruningContainer(*methods): the pruning methods applied in turn to one tensor; each
    new method prunes only what the earlier ones kept."""

    def __init__(self, *args):
        self._pruning_methods = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Append a pruning method (it must act on the same tensor name)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError("Can only add pruning methods acting on the parameter named "
                             f"'{self._tensor_name}' to PruningContainer {self}."
                             f" Found '{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        """default_mask with the last method applied to the part still kept: the unpruned
        entries (unstructured), the unpruned channels along its dim (structured) or all
        entries (global)."""
        method = self._pruning_methods[-1]
        mask = default_mask.to(dtype=t.dtype)
        kind = method.PRUNING_TYPE
        if kind == "unstructured":
            where = mask == 1
        elif kind == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to '
                                     "have the attribute `dim` defined.")
            ndim = t.dim()
            dim = method.dim + ndim if method.dim < 0 else method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {ndim}")
            keep = mask.sum(dim=[d for d in range(ndim) if d != dim]) != 0
            where = tuple(keep if d == dim else slice(None) for d in range(ndim))
        elif kind == "global":
            where = tuple(slice(None) for _ in range(len(t.shape)))
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {kind}")
        part = method.compute_mask(t[where], default_mask=mask[where])
        mask[where] = part.to(dtype=mask.dtype)
        return mask


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        """default_mask unchanged."""
        return default_mask

    @classmethod
    def apply(cls, module, name):
        """Apply identity pruning to module.<name>."""
        return super().apply(module, name)


def _check_amount(amount):
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral)
            and (float(amount) > 1.0 or float(amount) < 0.0)):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a "
                         "non-negative integer")


def _zero_top_k(default_mask, scores, k, largest):
    """default_mask with the k entries of the largest (or smallest) scores(numtensor) zeroed
    (scores is built only when k > 0: the random one must draw nothing otherwise, as in
    PyTorch)."""
    mask = default_mask.clone()
    if k != 0:
        nt = _nt()
        chosen = nt.topk(scores(nt).view(-1), k=k, largest=largest)
        mask.view(-1)[chosen.indices] = 0
    return mask


def _how_many(amount, size):
    """The number of units to prune: amount itself (int) or round(amount * size)."""
    n = amount if isinstance(amount, numbers.Integral) else round(amount * size)
    if isinstance(amount, numbers.Integral) and amount > size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters "
                         f"to prune={size}")
    return n


def _check_structured(t, dim):
    if len(t.shape) <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional "
                         f"tensors. Found tensor of shape {t.shape} with {len(t.shape)} dims")
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")


def _channel_mask(t, dim, channels):
    """Zeros shaped like t with ones in the chosen channels (indices or a bool mask) of
    dim."""
    mask = _nt().zeros_like(t)
    mask[tuple(channels if d == (dim % t.dim()) else slice(None)
               for d in range(t.dim()))] = 1
    return mask


class RandomUnstructured(BasePruningMethod):
    """RandomUnstructured(amount): prune `amount` entries (int) or that fraction (float)
    chosen at random among those still kept."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        """default_mask with the entries of the k largest draws of rand_like(t) zeroed."""
        k = _how_many(self.amount, t.nelement())
        return _zero_top_k(default_mask, (lambda nt: nt.rand_like(t)), k, largest=True)

    @classmethod
    def apply(cls, module, name, amount):
        """Prune module.<name> at random."""
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """L1Unstructured(amount): prune the `amount` (int, or fraction if float) entries of
    smallest absolute value."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        """default_mask with the k smallest |t| entries zeroed."""
        k = _how_many(self.amount, t.nelement())
        return _zero_top_k(default_mask, (lambda nt: nt.abs(t)), k, largest=False)

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        """Prune module.<name> by magnitude (of importance_scores if given)."""
        return super().apply(module, name, amount=amount,
                             importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """RandomStructured(amount, dim=-1): prune whole channels along dim chosen at random."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim=-1):
        _check_amount(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t, default_mask):
        """Zero `amount` channels of dim: those whose draw of rand(channels) is at most the
        k-th smallest; combined with default_mask."""
        _check_structured(t, self.dim)
        size = t.shape[self.dim]
        k = _how_many(self.amount, size)
        if k == 0:
            return default_mask
        nt = _nt()
        prob = nt.rand(size)
        threshold = nt.kthvalue(prob, k=k).values
        mask = _channel_mask(t, self.dim, prob > threshold)
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        """Prune random channels of module.<name>."""
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """LnStructured(amount, n, dim=-1): prune the channels along dim of smallest n-norm."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, n, dim=-1):
        _check_amount(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t, default_mask):
        """Keep the channels with the largest n-norms (ranked by topk); combined with
        default_mask."""
        _check_structured(t, self.dim)
        size = t.shape[self.dim]
        k = _how_many(self.amount, size)
        dim = self.dim % t.dim()
        others = [d for d in range(t.dim()) if d != dim]
        nt = _nt()
        keep = nt.topk(nt.norm(t, p=self.n, dim=others), k=size - k, largest=True)
        if k == 0:
            return default_mask
        mask = _channel_mask(t, dim, keep.indices)
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        """Prune the channels of module.<name> of smallest n-norm."""
        return super().apply(module, name, amount=amount, n=n, dim=dim,
                             importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """CustomFromMask(mask): prune by a given mask."""

    PRUNING_TYPE = "global"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        """default_mask times the given mask."""
        if default_mask.shape != self.mask.shape:
            raise AssertionError(f"default_mask shape {default_mask.shape} must match "
                                 f"self.mask shape {self.mask.shape}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        """Prune module.<name> by mask."""
        return super().apply(module, name, mask=mask)


def identity(module, name):
    """Set up module.<name> for pruning with an all-ones mask.  Returns module."""
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prune `amount` (int) or that fraction (float) of module.<name>'s entries at random.
    Returns module."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prune the `amount` entries of module.<name> of smallest absolute value (of
    importance_scores when given).  Returns module."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prune `amount` random channels of module.<name> along dim.  Returns module."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prune the `amount` channels of module.<name> along dim of smallest n-norm.  Returns
    module."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prune the (module, name) pairs in `parameters` together: pruning_method(**kwargs)
    (an unstructured method) ranks all their entries at once; each tensor then gets its
    share of the mask through custom_from_mask."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    nt = _nt()
    from . import parameters_to_vector
    scores = parameters_to_vector([importance_scores.get((m, n), getattr(m, n))
                                   for m, n in parameters])
    default_mask = parameters_to_vector([getattr(m, n + "_mask", nt.ones_like(getattr(m, n)))
                                         for m, n in parameters])
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
                        f"Found method {pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final = container.compute_mask(scores, default_mask)
    start = 0
    for module, name in parameters:
        param = getattr(module, name)
        count = param.numel()
        custom_from_mask(module, name, mask=final[start:start + count].view_as(param))
        start += count


def custom_from_mask(module, name, mask):
    """Prune module.<name> by the given mask.  Returns module."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Make the pruning of module.<name> permanent (drop <name>_orig, <name>_mask and the
    hook).  Returns module."""
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning "
                     "can be removed")


def is_pruned(module):
    """True if module or any submodule has a pruning hook."""
    return any(isinstance(hook, BasePruningMethod)
               for _, sub in module.named_modules()
               for hook in sub._forward_pre_hooks.values())
