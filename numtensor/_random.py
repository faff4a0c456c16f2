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
    """A random number generator: seed it, save and restore its state, pass it as
    generator= to the random functions."""

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
    """Seeds the default generator: the draws after it are reproducible."""
    default_generator.manual_seed(seed)
    return default_generator


def seed():
    """Seeds the default generator with a fresh random seed and returns it."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state, as a tensor that set_rng_state accepts."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restores the default generator's state from get_rng_state()."""
    default_generator.set_state(new_state)


def _gen(generator):
    return default_generator if generator is None else generator


def _fill(t, kind, generator, *params, counters=None):
    """Fill contiguous tensor t in place with draws of `kind`."""
    n = t.numel()
    if n == 0:
        return t
    from .ops._common import check_no_internal_overlap
    check_no_internal_overlap(t)
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
def _accepts_from_keyword(fn):
    """torch names a parameter `from`, a Python keyword: the Python function spells it
    from_ and this wrapper accepts the keyword `from` for it (and not `from_`)."""
    import functools
    import inspect

    @functools.wraps(fn)
    def method(*args, **kwargs):
        if "from_" in kwargs:
            raise TypeError(f"{fn.__name__}() got an unexpected keyword argument 'from_'")
        if "from" in kwargs:
            kwargs["from_"] = kwargs.pop("from")
        return fn(*args, **kwargs)
    method.__signature__ = inspect.signature(fn)
    return method


@_accepts_from_keyword
def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    """Fills self with numbers drawn uniformly from [from, to)."""
    _check_float(self, "uniform_")
    return _fill(self, "uniform", generator, float(from_), float(to))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills self with numbers drawn from the normal distribution N(mean, std**2)."""
    _check_float(self, "normal_")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _fill(self, "normal", generator, float(mean), float(std), counters=2 * self.numel())


@_accepts_from_keyword
def random_(self, from_=None, to=None, *, generator=None):
    """random_() fills with integers over the dtype's range, random_(to) from [0, to),
    random_(from, to) from [from, to)."""
    if from_ is not None and to is None:
        lo, hi = 0, int(from_)
    elif to is None:
        lo = 0
        hi = 2 ** (_bits(self.dtype)) + 1 if self.dtype.category >= 2 else (
            2 if self.dtype is _dtype.bool_ else int(np.iinfo(self.dtype.np).max) + 1)
    else:
        lo, hi = int(from_ or 0), int(to)
    if hi <= lo:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    return _fill(self, "integers", generator, lo, hi - lo)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fills self with 0/1 draws that are 1 with probability p (a number or a tensor)."""
    from ._tensor import Tensor
    t = self
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


def exponential_(self, lambd=1.0, *, generator=None):
    """Fills self with draws from the exponential distribution of rate lambd."""
    uniform_(self, 0.0, 1.0, generator=generator)
    from .ops import elementwise as ew
    with _no_grad():
        self.copy_(ew.neg(ew.log1p(ew.neg(self))) / lambd)
    return self


def _no_grad():
    from .autograd.grad_mode import no_grad
    return no_grad()


def _check_float(t, name):
    if t.dtype.category < 2:
        raise NotImplementedError(f"\"{name.rstrip('_')}_kernel_cpu\" not implemented for "
                           f"'{t.dtype._tensor_type.replace('Tensor', '')}'")


# ---- creation ops ----------------------------------------------------------------
# Exactly torch's parameters: sizes as varargs or size=, then generator, out, dtype,
# layout, device, requires_grad and pin_memory (see _creation.py for the shared checks).
def _fresh(fname, shape, out, dtype, layout, device, pin_memory, default=None):
    """An uninitialised tensor for a random creation op (out's dtype when out is given)."""
    from ._creation import _check_common, _resolve
    from .ops._common import empty
    dtype = _check_common(out, dtype, layout, pin_memory, fname)
    dt, dev = _resolve(dtype, device)
    return empty(shape, dt or default or _dtype.get_default_dtype(), dev)


def _done(t, out, requires_grad):
    from ._creation import _finish, write_out
    return _finish(write_out(t, out), requires_grad)


def _check_generator(generator, fname):
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"{fname}(): argument 'generator' must be torch.Generator, not "
                        f"{type(generator).__name__}")


def rand(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """Returns a tensor of numbers drawn uniformly from [0, 1)."""
    from ._creation import _shape_from
    _check_generator(generator, "rand")
    t = _fresh("rand", _shape_from("rand", sizes, size), out, dtype, layout, device, pin_memory)
    return _done(uniform_(t, 0.0, 1.0, generator=generator), out, requires_grad)


def randn(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """Returns a tensor of numbers drawn from the standard normal distribution."""
    from ._creation import _shape_from
    _check_generator(generator, "randn")
    t = _fresh("randn", _shape_from("randn", sizes, size), out, dtype, layout, device, pin_memory)
    return _done(normal_(t, 0.0, 1.0, generator=generator), out, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False, pin_memory=False):
    """Returns a tensor of integers drawn uniformly from [low, high)."""
    _check_generator(generator, "randint")
    if size is None:  # randint(high, size)
        if high is None:
            raise TypeError("randint() missing required argument 'size' (pos 2)")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if not isinstance(size, (list, tuple)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    t = _fresh("randint", parse_size((size,)), out, dtype, layout, device, pin_memory,
               default=_dtype.int64)
    return _done(random_(t, low, high, generator=generator), out, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """Returns a random permutation of the integers 0 .. n-1."""
    from ._creation import _check_common
    from .ops._common import empty
    _check_generator(generator, "randperm")
    dtype = _check_common(out, dtype, layout, pin_memory, "randperm")
    dt = _dtype.int64 if dtype is None else _dtype.as_dtype(dtype)
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    perm = empty((n,), _dtype.int64, as_device("cpu"))
    seed_, start = _gen(generator).take(n)
    backend_for(perm.device).randperm(operand(perm), n, seed_, start)
    return _done(perm.to(dtype=dt, device=device), out, requires_grad)


def _random_like(fname, fill):
    def like(input, *, generator=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False, memory_format=None):
        from ._creation import check_like_input, like_layout
        check_like_input(input, fname)
        _check_generator(generator, fname)
        t = _fresh(fname, input._shape, None, dtype or input.dtype, layout,
                   device or input.device, pin_memory)
        fill(t, generator)
        return _done(like_layout(t, input, memory_format), None, requires_grad)
    like.__name__ = like.__qualname__ = fname
    return like


rand_like = _random_like("rand_like", lambda t, g: uniform_(t, 0.0, 1.0, generator=g))
rand_like.__doc__ = "Returns a tensor like input of numbers drawn uniformly from [0, 1)."
randn_like = _random_like("randn_like", lambda t, g: normal_(t, 0.0, 1.0, generator=g))
randn_like.__doc__ = "Returns a tensor like input of numbers drawn from the standard normal distribution."


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, pin_memory=False, memory_format=None):
    """Returns a tensor like input of integers drawn uniformly from [low, high)."""
    from ._creation import check_like_input, like_layout
    check_like_input(input, "randint_like")
    _check_generator(generator, "randint_like")
    if high is None:
        low, high = 0, low
    t = _fresh("randint_like", input._shape, None, dtype or input.dtype, layout,
               device or input.device, pin_memory)
    random_(t, low, high, generator=generator)
    return _done(like_layout(t, input, memory_format), None, requires_grad)


def normal(mean, std=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False):
    """Draws from N(mean, std**2): mean and/or std tensors give one draw per element,
    two numbers need size."""
    from ._tensor import Tensor
    _check_generator(generator, "normal")
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None:
            raise TypeError("normal(): size= is only accepted with float mean and std")
        std = 1.0 if std is None else std
        ref = mean if isinstance(mean, Tensor) else std
        shape = ref._shape if not isinstance(std, Tensor) else \
            (std._shape if not isinstance(mean, Tensor) else mean._shape)
        z = randn(shape, dtype=ref.dtype, device=ref.device, generator=generator)
        return _done(z * std + mean, out, requires_grad)
    if std is None or size is None:
        raise TypeError("normal() received an invalid combination of arguments - with float "
                        "mean and std, size is required")
    t = _fresh("normal", parse_size((size,)), out, dtype, layout, device, pin_memory)
    return _done(normal_(t, mean, std, generator=generator), out, requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):
    """Draws 0/1 values that are 1 with probability input (or p) per element."""
    from ._creation import empty_like
    _check_generator(generator, "bernoulli")
    t = empty_like(input)
    return _done(bernoulli_(t, input if p is None else p, generator=generator), out, False)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Draws num_samples category indices per row of input's (unnormalised) probabilities."""
    from .ops._common import empty
    _check_generator(generator, "multinomial")
    probs = input if input.ndim == 2 else input.reshape(1, -1)
    nrows, ncat = probs._shape
    if not replacement and num_samples > ncat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    p64 = probs.detach().to(_dtype.float64).contiguous()
    drawn = empty((nrows, num_samples), _dtype.int64, input.device)
    seed_, start = _gen(generator).take(nrows * num_samples)
    backend_for(drawn.device).multinomial(operand(p64), nrows, ncat, operand(drawn),
                                          num_samples, bool(replacement), seed_, start)
    return _done(drawn if input.ndim == 2 else drawn.reshape(num_samples), out, False)


# ---- the Tensor method forms: self is the input, and no out= ------------------------
def bernoulli_method(self, p=None, *, generator=None):
    """Draws 0/1 values that are 1 with probability self (or p) per element."""
    return bernoulli(self, p, generator=generator)


def multinomial_method(self, num_samples, replacement=False, *, generator=None):
    """Draws num_samples category indices per row of self's probabilities."""
    return multinomial(self, num_samples, replacement, generator=generator)
