"""ASGD: stochastic gradient descent with a decaying rate and a running (Polyak) average
of the iterates."""
from .. import float32, ones, tensor, zeros_like
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr_tensor, _real_views


class ASGD(Optimizer):
    """With the state's rate eta (lr at first) and averaging weight mu (1 at first):
    g += weight_decay * p;  p = p (1 - lambd eta) - eta g;  ax += mu (p - ax) (ax = p
    while mu is 1); then eta = lr / (1 + lambd lr t)^alpha and mu = 1 / max(1, t - t0).
    eta and mu are kept as float32 scalars, as PyTorch keeps them.

    foreach is accepted and changes nothing (the update is the same); capturable=True and
    differentiable=True are not supported and raise NotImplementedError."""

    def __init__(self, params, lr=0.01, lambd=0.0001, alpha=0.75, t0=1000000.0,
                 weight_decay=0, foreach=None, maximize=False, differentiable=False,
                 capturable=False):
        _check_lr_tensor(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        self._refuse_flags(capturable, differentiable)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
            decay = group["weight_decay"]
            for p, g, state in self._stepped(group, lambda p: _new_state(p, lr)):
                p, g, ax = _real_views(p, g, state["ax"])
                if decay != 0:
                    g = g.add(p, alpha=decay)
                eta = state["eta"].item()
                p.mul_(1 - lambd * eta)
                p.add_(g, alpha=-eta)
                mu = state["mu"].item()
                if mu != 1:
                    ax.add_(p.sub(ax).mul_(mu))
                else:
                    ax.copy_(p)
                t = state["step"].item()
                state["eta"].fill_(lr / ((1 + lambd * lr * t) ** alpha))
                state["mu"].fill_(1 / max(1, t - t0))
        return loss


def _scalar(value):
    return value.item() if hasattr(value, "item") else value


def _new_state(p, lr):
    return {"eta": tensor(lr, dtype=float32), "mu": ones((), dtype=float32),
            "ax": zeros_like(p)}
