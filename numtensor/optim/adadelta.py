"""Adadelta: steps scaled by the ratio of two running root mean squares, of the recent
updates and of the recent gradients, so that no global learning rate is needed."""
from .. import zeros_like
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer


class Adadelta(Optimizer):
    """s = rho s + (1 - rho) g^2; d = sqrt(u + eps) / sqrt(s + eps) g;
    u = rho u + (1 - rho) d^2; p -= lr d (the order of PyTorch's single-tensor step)."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-06, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr, rho, eps, decay = group["lr"], group["rho"], group["eps"], group["weight_decay"]
            for p, g, state in self._stepped(group, _new_state):
                if decay != 0:
                    g = g.add(p, alpha=decay)
                square_avg, acc_delta = state["square_avg"], state["acc_delta"]
                square_avg.mul_(rho).addcmul_(g, g, value=1 - rho)
                std = square_avg.add(eps).sqrt_()
                delta = acc_delta.add(eps).sqrt_()
                delta.div_(std).mul_(g)
                acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
                p.add_(delta, alpha=-lr)
        return loss


def _new_state(p):
    return {"square_avg": zeros_like(p), "acc_delta": zeros_like(p)}
