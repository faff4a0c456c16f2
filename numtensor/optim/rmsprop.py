"""RMSprop: divide the gradient by a running root mean square of its recent values."""
from .. import zeros_like
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer


class RMSprop(Optimizer):
    """s = alpha s + (1 - alpha) g^2; p -= lr g / (sqrt(s) + eps).  centered subtracts the
    squared running mean of g inside the root; momentum keeps a buffer of the steps."""

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        for name, value in (("learning rate", lr), ("epsilon value", eps),
                            ("momentum value", momentum), ("weight_decay value", weight_decay),
                            ("alpha value", alpha)):
            if value < 0.0:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            momentum, decay = group["momentum"], group["weight_decay"]
            for p, g, state in self._stepped(group, lambda p: _new_state(p, group)):
                if decay != 0:
                    g = g.add(p, alpha=decay)
                square_avg = state["square_avg"]
                square_avg.mul_(alpha).addcmul_(g, g, value=1 - alpha)
                if group["centered"]:
                    grad_avg = state["grad_avg"]
                    grad_avg.lerp_(g, 1 - alpha)
                    avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
                else:
                    avg = square_avg.sqrt()
                avg = avg.add_(eps)
                if momentum > 0:
                    buf = state["momentum_buffer"]
                    buf.mul_(momentum).addcdiv_(g, avg)
                    p.add_(buf, alpha=-lr)
                else:
                    p.addcdiv_(g, avg, value=-lr)
        return loss


def _new_state(p, group):
    state = {"square_avg": zeros_like(p)}
    if group["momentum"] > 0:
        state["momentum_buffer"] = zeros_like(p)
    if group["centered"]:
        state["grad_avg"] = zeros_like(p)
    return state
