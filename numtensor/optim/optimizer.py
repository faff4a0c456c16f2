"""Optimizer: parameter groups, per-parameter state, zero_grad and state_dict.

Subclasses implement step(); they update parameters in place under no_grad, so the
tensors a model holds stay the ones being optimised.
"""
import copy
import warnings
from collections import defaultdict

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from ..nn.modules.module import _typename, _zero_grad


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Optimizer(params, defaults): params is an iterable of tensors, of (name, tensor)
    pairs, or of dicts (parameter groups with their own options)."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {_typename(params)}")
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {_typename(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        if params and isinstance(params[0], tuple):  # named parameters
            param_group["param_names"] = [name for name, _ in params]
            params = [p for _, p in params]
        param_group["params"] = params
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(p))
            if not self.defaults.get("differentiable", None) and not (p.is_leaf or
                                                                       p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(set(map(id, params))) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        existing = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                _zero_grad(p, set_to_none)

    def step(self, closure=None):
        raise NotImplementedError

    def _stepped(self, group, new_state):
        """(p, g, state) for each parameter of group that has a gradient, its step count
        already advanced: g is the gradient, negated under maximize; a parameter seen for
        the first time gets state {'step': tensor(0.)} and then new_state(p)'s buffers."""
        from .. import float32, tensor
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if not state:
                state["step"] = tensor(0.0, dtype=float32)
                state.update(new_state(p))
            state["step"].add_(1)
            yield p, (-p.grad if group["maximize"] else p.grad), state

    @staticmethod
    def _refuse_flags(capturable, differentiable):
        """Raise for the flags numtensor cannot honour: it has no CUDA graph capture, and
        its steps run under no_grad, so autograd cannot see through them."""
        if capturable:
            raise NotImplementedError("capturable=True is not supported: numtensor has no "
                                      "CUDA graph capture")
        if differentiable:
            raise NotImplementedError("differentiable=True is not supported: numtensor's "
                                      "optimizer steps are not differentiable")

    @staticmethod
    def _run_closure(closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ---- saving and restoring ---------------------------------------------------------
    def state_dict(self):
        """{'state': {index: per-parameter state}, 'param_groups': [options with 'params'
        as indices]}: parameters are numbered in group order, as PyTorch does."""
        index_of = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index_of[id(k)] if isinstance(k, Tensor) else k): v
                 for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and state (tensors are copied, cast to each parameter's dtype
        and device; 'step' counters keep theirs)."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        groups = self.param_groups
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        param_of = {}
        for group, saved in zip(groups, saved_groups):
            param_of.update(zip(saved["params"], group["params"]))
        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in param_of:
                param = param_of[key]
                state[param] = {k: _cast_state(param, k, v) for k, v in value.items()}
            else:
                state[key] = copy.deepcopy(value)
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            new_groups.append(saved)
        self.state = state
        self.param_groups = new_groups

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        # PyTorch's layout: every line ends in a newline and every group starts with one,
        # so groups are separated by a blank line
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast_state(param, key, value):
    if isinstance(value, Tensor):
        if key == "step":
            return value.clone()
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device).clone()
        return value.to(device=param.device).clone()
    if isinstance(value, dict):
        return {k: _cast_state(param, k, v) for k, v in value.items()}
    return copy.deepcopy(value)


def _real_views(*tensors):
    """The tensors as real views when they are complex (the first one decides), so that
    an update treats the real and imaginary parts as separate coordinates, as PyTorch's."""
    from .. import view_as_real
    if not tensors[0].is_complex():
        return tensors
    return tuple(view_as_real(t) for t in tensors)


def _check_lr_tensor(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
