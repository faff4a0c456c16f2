"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""
from .. import float32, full_like, tensor
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer


class Adagrad(Optimizer):
    """s += g^2; p -= lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)."""

    def __init__(self, params, lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value value", initial_accumulator_value),
                            ("epsilon value", eps)):
            if value < 0.0:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # like PyTorch, the state exists from the start
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["step"] = tensor(0.0, dtype=float32)
                self.state[p].update(_new_state(p, group))

    @no_grad()
    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            for p, g, state in self._stepped(group, lambda p: _new_state(p, group)):
                step = state["step"].item()
                if group["weight_decay"] != 0:
                    g = g.add(p, alpha=group["weight_decay"])
                clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
                state["sum"].addcmul_(g, g, value=1)
                std = state["sum"].sqrt().add_(group["eps"])
                p.addcdiv_(g, std, value=-clr)
        return loss


def _new_state(p, group):
    return {"sum": full_like(p, group["initial_accumulator_value"])}
