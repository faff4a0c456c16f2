"""torch.nn.utils.parametrizations: weight_norm and spectral_norm written as
parametrizations (see parametrize.register_parametrization).  orthogonal is not provided."""
from ... import _tensor
from ...autograd.grad_mode import no_grad
from ..modules.module import Module
from . import parametrize
from ._weight_norm_math import norm_except_dim, weight_norm as _weight_norm_fn

__all__ = ["spectral_norm", "weight_norm"]


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm_fn(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Weight normalization as a parametrization: module.<name> = g * v / ||v||, with g at
    module.parametrizations.<name>.original0 and v at ...original1 (norm over every dim but
    `dim`; dim=None: the whole tensor).  State dicts of the older form (<name>_g, <name>_v)
    load into it.  Returns module."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _old_keys_to_new(state_dict, prefix, local_metadata, strict, missing_keys,
                         unexpected_keys, error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            g, v = state_dict.pop(g_key), state_dict.pop(v_key)
            state_dict[f"{prefix}parametrizations.{name}.original0"] = g
            state_dict[f"{prefix}parametrizations.{name}.original1"] = v

    from ...utils.hooks import RemovableHandle
    handle = RemovableHandle(module._load_state_dict_pre_hooks)
    module._load_state_dict_pre_hooks[handle.id] = _old_keys_to_new
    return module


def _normalize(x, eps):
    from ..functional import normalize
    return normalize(x, dim=0, eps=eps)


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            mat = self._reshape_weight_to_matrix(weight)
            h, w = mat.size()
            u = mat.new_empty(h).normal_(0, 1)
            v = mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", _normalize(u, self.eps))
            self.register_buffer("_v", _normalize(v, self.eps))
            self._power_method(mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim())
                                                if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, mat, n_power_iterations):
        from ... import mv
        with no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(_normalize(mv(mat, self._v), self.eps))
                self._v.copy_(_normalize(mv(mat.H, self._u), self.eps))

    def forward(self, weight):
        from ... import mv, vdot
        if weight.ndim == 1:
            return _normalize(weight, self.eps)
        mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        return weight / vdot(u, mv(mat, v))

    def right_inverse(self, value):
        return value


def _is_conv_transpose(module):
    from .. import modules
    kinds = tuple(getattr(modules, n) for n in ("ConvTranspose1d", "ConvTranspose2d",
                                                "ConvTranspose3d") if hasattr(modules, n))
    return isinstance(module, kinds)


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Spectral normalization as a parametrization: module.<name> = original / sigma, sigma
    estimated by power iteration on buffers _u, _v (drawn from the default generator as in
    PyTorch, then 15 warm-up iterations).  dim defaults to 1 for ConvTranspose modules, else
    0.  Returns module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, _tensor.Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if _is_conv_transpose(module) else 0
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
