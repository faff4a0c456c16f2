"""RAdam: Adam whose adaptive step is switched on, and rectified, only once the variance
of its second-moment estimate is tractable."""
from .. import zeros_like
from ..autograd.grad_mode import no_grad
from .adam import _check_adam_args
from .optimizer import Optimizer, _check_lr_tensor, _real_views


class RAdam(Optimizer):
    """m = beta1 m + (1 - beta1) g,  v = beta2 v + (1 - beta2) g^2,  m^ = m / (1 - beta1^t);
    rho_inf = 2 / (1 - beta2) - 1,  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t).
    While rho_t <= 5, p -= lr m^ (momentum SGD); then
    p -= lr m^ sqrt(1 - beta2^t) / (sqrt(v) + eps) r_t with the rectification
    r_t = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t)).
    weight_decay adds weight_decay * p to g, or with decoupled_weight_decay multiplies p
    by 1 - lr * weight_decay first.

    foreach is accepted and changes nothing (the update is the same); capturable=True and
    differentiable=True are not supported and raise NotImplementedError."""

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_lr_tensor(lr)
        _check_adam_args(lr, betas, eps, weight_decay)
        self._refuse_flags(capturable, differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
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
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * decay)
                    else:
                        g = g.add(p, alpha=decay)
                p, g, m, v = _real_views(p, g, state["exp_avg"], state["exp_avg_sq"])
                m.lerp_(g, 1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                bias_correction2 = 1 - beta2 ** step
                update = (m / (1 - beta1 ** step)) * lr
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    # the same operations, in the same order, as PyTorch's
                    adaptive = (bias_correction2 ** 0.5) / v.sqrt().add_(eps)
                    update = update * adaptive * _rectification(rho_t, rho_inf)
                p.add_(update, alpha=-1.0)
        return loss


def _rectification(rho_t, rho_inf):
    return ((rho_t - 4) * (rho_t - 2) * rho_inf /
            ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


def _new_state(p):
    return {"exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}
