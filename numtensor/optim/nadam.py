"""NAdam: Adam with Nesterov momentum and a warming-up momentum schedule."""
from .. import float32, tensor, zeros_like
from ..autograd.grad_mode import no_grad
from .adam import _check_adam_args
from .optimizer import Optimizer, _check_lr_tensor, _real_views


class NAdam(Optimizer):
    """mu_t = beta1 (1 - 0.96^(t momentum_decay) / 2), P_t = mu_1 ... mu_t;
    m = beta1 m + (1 - beta1) g,  v = beta2 v + (1 - beta2) g^2,
    d = sqrt(v / (1 - beta2^t)) + eps,
    p -= lr (1 - mu_t) / (1 - P_t) g / d + lr mu_{t+1} / (1 - P_t mu_{t+1}) m / d.
    weight_decay adds weight_decay * p to g, or with decoupled_weight_decay multiplies p
    by 1 - lr * weight_decay first.

    foreach is accepted and changes nothing (the update is the same); capturable=True and
    differentiable=True are not supported and raise NotImplementedError."""

    def __init__(self, params, lr=0.002, betas=(0.9, 0.999), eps=1e-08, weight_decay=0,
                 momentum_decay=0.004, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_lr_tensor(lr)
        _check_adam_args(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        self._refuse_flags(capturable, differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, decay = group["lr"], group["eps"], group["weight_decay"]
            psi = group["momentum_decay"]
            for p, g, state in self._stepped(group, _new_state):
                step = state["step"].item()
                if decay != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * decay)
                    else:
                        g = g.add(p, alpha=decay)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
                # the running product is a float32 tensor, rounded as PyTorch's is
                mu_product = state["mu_product"].mul_(mu).item()
                mu_product_next = mu_product * mu_next
                p, g, m, v = _real_views(p, g, state["exp_avg"], state["exp_avg_sq"])
                m.lerp_(g, 1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                denom = v.div(1 - beta2 ** step).sqrt().add_(eps)
                p.addcdiv_(g, denom, value=-lr * (1.0 - mu) / (1.0 - mu_product))
                p.addcdiv_(m, denom, value=(-lr * mu_next) / (1.0 - mu_product_next))
        return loss


def _new_state(p):
    return {"mu_product": tensor(1.0, dtype=float32), "exp_avg": zeros_like(p),
            "exp_avg_sq": zeros_like(p)}
