"""Adamax: Adam with the second moment replaced by an exponentially weighted infinity
norm of the gradients."""
from .. import maximum, zeros_like
from ..autograd.grad_mode import no_grad
from .adam import _check_adam_args
from .optimizer import Optimizer, _check_lr_tensor, _real_views


class Adamax(Optimizer):
    """m = beta1 m + (1 - beta1) g,  u = max(beta2 u, |g| + eps),
    p -= lr / (1 - beta1^t) * m / u.  weight_decay adds weight_decay * p to g.

    foreach is accepted and changes nothing (the update is the same); capturable=True and
    differentiable=True are not supported and raise NotImplementedError."""

    def __init__(self, params, lr=0.002, betas=(0.9, 0.999), eps=1e-08, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_lr_tensor(lr)
        _check_adam_args(lr, betas, eps, weight_decay)
        self._refuse_flags(capturable, differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, decay = group["lr"], group["eps"], group["weight_decay"]
            for p, g, state in self._stepped(group, _new_state):
                step = state["step"].item()
                if decay != 0:
                    g = g.add(p, alpha=decay)
                p, g, m, u = _real_views(p, g, state["exp_avg"], state["exp_inf"])
                m.lerp_(g, 1 - beta1)
                u.copy_(maximum(u.mul_(beta2), g.abs().add_(eps)))
                p.addcdiv_(m, u, value=-(lr / (1 - beta1 ** step)))
        return loss


def _new_state(p):
    return {"exp_avg": zeros_like(p), "exp_inf": zeros_like(p)}
