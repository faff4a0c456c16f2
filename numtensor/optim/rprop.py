"""Rprop: resilient backpropagation, steps of a per-coordinate size that grows while the
gradient keeps its sign and shrinks when the sign flips."""
from .. import full_like, zeros_like
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr_tensor, _real_views


class Rprop(Optimizer):
    """For each coordinate, with the previous gradient g' (0 at first):
    g g' > 0: size = min(size * etaplus, max_step);  g g' < 0: size = max(size * etaminus,
    min_step) and g is taken as 0 (no step, and g' = 0 next time); otherwise size stays.
    p -= size * sign(g); g' = g.  Sizes start at lr; etas = (etaminus, etaplus),
    step_sizes = (min_step, max_step).

    foreach is accepted and changes nothing (the update is the same); capturable=True and
    differentiable=True are not supported and raise NotImplementedError."""

    def __init__(self, params, lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr_tensor(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        self._refuse_flags(capturable, differentiable)
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            smallest, largest = group["step_sizes"]
            for p, g, state in self._stepped(group, lambda p: _new_state(p, group)):
                p, g, prev, size = _real_views(p, g, state["prev"], state["step_size"])
                product = g.mul(prev)
                agree, flipped = product > 0, product < 0
                factor = full_like(size, 1.0)
                factor.masked_fill_(agree, etaplus)
                factor.masked_fill_(flipped, etaminus)
                size.mul_(factor).clamp_(smallest, largest)
                g = g.masked_fill(flipped, 0)
                p.addcmul_(g.sign(), size, value=-1)
                prev.copy_(g)
        return loss


def _new_state(p, group):
    lr = group["lr"]
    lr = lr.item() if hasattr(lr, "item") else lr
    fill = complex(lr, lr) if p.is_complex() else lr
    return {"prev": zeros_like(p), "step_size": full_like(p, fill)}
