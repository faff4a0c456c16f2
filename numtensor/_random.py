"""Random number generation: a seedable generator and the random creation ops.

A draw of n values uses counters [offset, offset + n) of a counter-based stream
(see _backends/cpu/random_kernels.py) and advances the offset, so manual_seed(s)
followed by the same calls gives the same values on any thread count.
"""
import numpy as np

from . import _dtype
from ._device import as_device
from ._size import parse_size
from ._backends import backend_for
from ._tensor import operand

DEFAULT_SEED = 67280421310721  # PyTorch's default seed, for a familiar start


class Generator:
    def __init__(self, device="cpu"):
        self.device = as_device(device)
        self._seed = DEFAULT_SEED
        self._offset = 0

    def manual_seed(self, seed):
        seed = int(seed)
        self._seed = seed & 0xFFFFFFFFFFFFFFFF
        self._offset = 0
        return self

    def seed(self):
        import os
        s = int.from_bytes(os.urandom(8), "little") >> 1
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from ._creation import tensor
        return tensor([self._seed & 0x7FFFFFFFFFFFFFFF, self._seed >> 63, self._offset], dtype=_dtype.int64)

    def set_state(self, state):
        lo, hi, off = state.tolist()
        self._seed = lo | (hi << 63)
        self._offset = off
        return self

    def take(self, n):
        """Reserve n counters; returns (seed, first counter)."""
        start = self._offset
        self._offset += int(n)
        return np.uint64(self._seed), np.int64(start)


default_generator = Generator()


def manual_seed(seed):
    default_generator.manual_seed(seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def _gen(generator):
    return default_generator if generator is None else generator


def _fill(t, kind, generator, *params, counters=None):
    """Fill contiguous tensor t in place with draws of `kind`."""
    n = t.numel()
    if n == 0:
        return t
    seed_, start = _gen(generator).take(counters if counters is not None else n)
    be = backend_for(t.device)
    work_dtype = be.compute_dtype("random", t.dtype)
    target = t
    if work_dtype is not t.dtype or not t.is_contiguous():
        from ._alloc import empty
        target = empty(t._shape, work_dtype, t.device)
    getattr(be, "random_" + kind)(operand(target), n,
                                                  seed_, start, *params)
    if target is not t:
        from .ops.dispatch import copy_into
        copy_into(t, target)
    t._storage._version += 1
    return t


def _bits(dt):
    return 53 if dt is _dtype.float64 else 24


# ---- in-place fills (Tensor methods) ------------------------------------------
def uniform_(t, a=0.0, b=1.0, generator=None):
    _check_float(t, "uniform_")
    return _fill(t, "uniform", generator, float(a), float(b))


def normal_(t, mean=0.0, std=1.0, generator=None):
    _check_float(t, "normal_")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _fill(t, "normal", generator, float(mean), float(std), counters=2 * t.numel())


def random_(t, from_=None, to=None, generator=None):
    """random_(to) draws from [0, to); random_(from, to) from [from, to)."""
    if from_ is not None and to is None:
        lo, hi = 0, int(from_)
    elif from_ is None:
        lo = 0
        hi = 2 ** (_bits(t.dtype)) + 1 if t.dtype.category >= 2 else (
            2 if t.dtype is _dtype.bool_ else int(np.iinfo(t.dtype.np).max) + 1)
    else:
        lo, hi = int(from_), int(to)
    if hi <= lo:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    return _fill(t, "integers", generator, lo, hi - lo)


def bernoulli_(t, p=0.5, generator=None):
    from ._tensor import Tensor
    if isinstance(p, Tensor):
        from .ops.dispatch import cast
        pc = cast(p.expand(t._shape).contiguous() if tuple(p._shape) != tuple(t._shape) else p.contiguous(),
                  _dtype.float64)
        prob = operand(pc)
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        prob = float(p)
    return _fill(t, "bernoulli", generator, prob)


def exponential_(t, lambd=1.0, generator=None):
    uniform_(t, 0.0, 1.0, generator)
    from .ops import elementwise as ew
    with _no_grad():
        t.copy_(ew.neg(ew.log1p(ew.neg(t))) / lambd)
    return t


def _no_grad():
    from .autograd.grad_mode import no_grad
    return no_grad()


def _check_float(t, name):
    if t.dtype.category < 2:
        raise NotImplementedError(f"\"{name.rstrip('_')}_kernel_cpu\" not implemented for "
                           f"'{t.dtype._tensor_type.replace('Tensor', '')}'")


# ---- creation ops ----------------------------------------------------------------
def _new(size, dtype, device, default=None):
    from ._creation import _finish, empty
    dt = _dtype.as_dtype(dtype) if dtype is not None else (default or _dtype.get_default_dtype())
    return empty(*size, dtype=dt, device=device)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, **_):
    from ._creation import _finish
    t = _new(parse_size(size), dtype, device)
    return _finish(uniform_(t, 0.0, 1.0, generator), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, **_):
    from ._creation import _finish
    t = _new(parse_size(size), dtype, device)
    return _finish(normal_(t, 0.0, 1.0, generator), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False, **_):
    from ._creation import _finish
    if size is None:  # randint(high, size)
        if high is None:
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    t = _new(parse_size((size,)), dtype, device, default=_dtype.int64)
    return _finish(random_(t, low, high, generator), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, **_):
    from ._creation import empty, _finish
    dt = _dtype.int64 if dtype is None else _dtype.as_dtype(dtype)
    out = empty(n, dtype=_dtype.int64)
    seed_, start = _gen(generator).take(n)
    backend_for(out.device).randperm(operand(out), n, seed_, start)
    return _finish(out.to(dtype=dt, device=device), requires_grad)


def rand_like(t, *, dtype=None, device=None, requires_grad=False, **_):
    from ._creation import preserve_layout
    return preserve_layout(rand(t._shape, dtype=dtype or t.dtype, device=device or t.device,
                                requires_grad=requires_grad), t)


def randn_like(t, *, dtype=None, device=None, requires_grad=False, **_):
    from ._creation import preserve_layout
    return preserve_layout(randn(t._shape, dtype=dtype or t.dtype, device=device or t.device,
                                 requires_grad=requires_grad), t)


def randint_like(t, low=0, high=None, *, dtype=None, device=None, **_):
    return randint(low, high, t._shape, dtype=dtype or t.dtype, device=device or t.device)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, **_):
    from ._tensor import Tensor
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        shape = ref._shape if not isinstance(std, Tensor) else \
            (std._shape if not isinstance(mean, Tensor) else mean._shape)
        z = randn(shape, dtype=ref.dtype, device=ref.device, generator=generator)
        return z * std + mean
    t = _new(parse_size((size,)), dtype, device)
    return normal_(t, mean, std, generator)


def bernoulli(input, p=None, *, generator=None):
    from ._creation import empty_like
    out = empty_like(input)
    return bernoulli_(out, input if p is None else p, generator)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    from ._creation import empty
    probs = input if input.ndim == 2 else input.reshape(1, -1)
    nrows, ncat = probs._shape
    if not replacement and num_samples > ncat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    p64 = probs.detach().to(_dtype.float64).contiguous()
    out = empty(nrows, num_samples, dtype=_dtype.int64, device=input.device)
    seed_, start = _gen(generator).take(nrows * num_samples)
    backend_for(out.device).multinomial(operand(p64), nrows, ncat,
                                        operand(out), num_samples, bool(replacement),
                                        seed_, start)
    return out if input.ndim == 2 else out.reshape(num_samples)
