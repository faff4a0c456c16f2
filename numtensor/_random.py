"""Random number generation: seedable generators and the random creation ops.

A CPU generator is PyTorch's: a Mersenne Twister (mt19937) whose words the CPU kernels
turn into values the way PyTorch's CPU kernels do (_backends/cpu/mt19937_kernels.py),
so that manual_seed(s) followed by the same calls gives PyTorch's numbers, and
get_rng_state() PyTorch's bytes.  A device generator (CUDA) is counter-based: a draw of
n values uses counters [offset, offset + n) of a hashed stream that every thread can
compute on its own (_backends/*/random_kernels.py), and advances the offset.  As in
PyTorch, the two kinds give different numbers for the same seed.
"""
import math

import numpy as np

from . import _dtype
from ._device import as_device
from ._size import parse_size
from ._backends import backend_for
from ._tensor import operand

DEFAULT_SEED = 67280421310721  # PyTorch's default seed

_STATE_BYTES = 5056         # PyTorch's CPUGeneratorImplState
_LEGACY_STATE_BYTES = 5048  # PyTorch's older THGeneratorState, which set_state also takes


class _Twister:
    """The host state of a CPU generator: the twister's words, PyTorch's cursor (words
    left, next index) and the cached second normal of a one-at-a-time Box-Muller pair."""

    def __init__(self, seed):
        # PyTorch's engine takes the seed's low 32 bits; 624 host steps, seeding is rare
        self.state = np.empty(624, np.uint32)
        word = seed & 0xFFFFFFFF
        self.state[0] = word
        for i in range(1, 624):
            word = (1812433253 * (word ^ (word >> 30)) + i) & 0xFFFFFFFF
            self.state[i] = word
        self.cursor = np.array([1, 0], np.int64)  # one word left: the first draw twists
        self.cache = np.zeros(2, np.float64)  # (valid, value)

    def to_bytes(self, seed):
        # PyTorch's layout: initial seed, left, seeded, next, the 624 words widened to
        # 64 bits, three doubles of which the middle one is the cached normal, its valid
        # flag, then a float cache and its flag that CPU kernels do not use
        b = bytearray(_STATE_BYTES)
        np.frombuffer(b, np.uint64, 1, 0)[0] = seed
        np.frombuffer(b, np.int32, 2, 8)[:] = (self.cursor[0], 1)
        np.frombuffer(b, np.uint64, 1, 16)[0] = self.cursor[1]
        np.frombuffer(b, np.uint64, 624, 24)[:] = self.state
        np.frombuffer(b, np.float64, 1, 5024)[0] = self.cache[1] if self.cache[0] else 0.0
        np.frombuffer(b, np.int32, 1, 5040)[0] = int(self.cache[0] != 0)
        return b

    def load_bytes(self, b):
        """Reads PyTorch's layout; returns the initial seed it holds."""
        left = int(np.frombuffer(b, np.int32, 1, 8)[0])
        nxt = int(np.frombuffer(b, np.uint64, 1, 16)[0])
        words = np.frombuffer(b, np.uint64, 624, 24)
        if not (1 <= left <= 624 and 0 <= nxt <= 624) or words.max() > 0xFFFFFFFF:
            raise RuntimeError("Invalid mt19937 state")
        self.state = words.astype(np.uint32)
        self.cursor = np.array([left, nxt], np.int64)
        valid = bool(np.frombuffer(b, np.int32, 1, 5040)[0])
        self.cache = np.array([float(valid), np.frombuffer(b, np.float64, 1, 5024)[0] if valid
                               else 0.0])
        return int(np.frombuffer(b, np.uint64, 1, 0)[0])


class Generator:
    """A random number generator: seed it, save and restore its state, pass it as
    generator= to the random functions of tensors on its device."""

    def __init__(self, device="cpu"):
        self.device = as_device(device)
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if not -2 ** 63 <= seed < 2 ** 64:
            raise RuntimeError("Overflow when unpacking long long")
        self._seed = seed & 0xFFFFFFFFFFFFFFFF
        if self.device.type == "cpu":
            self._twister = _Twister(self._seed)
        else:
            self._twister, self._offset = None, 0
        return self

    def seed(self):
        import os
        s = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The state as a uint8 tensor: PyTorch's 5056 bytes for a CPU generator, the seed
        and the counter offset (16 bytes) for a device one."""
        from ._creation import tensor
        if self._twister is not None:
            raw = self._twister.to_bytes(self._seed)
        else:
            raw = np.array([self._seed, self._offset], np.uint64).tobytes()
        return tensor(np.frombuffer(raw, np.uint8).copy(), dtype=_dtype.uint8)

    def set_state(self, new_state):
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not _dtype.uint8:
            raise RuntimeError(f"expected a torch.ByteTensor, but got {new_state.type()}")
        raw = new_state.detach().cpu().contiguous().numpy().tobytes()
        if self._twister is not None:
            if len(raw) not in (_STATE_BYTES, _LEGACY_STATE_BYTES):
                raise RuntimeError(
                    f"Expected either a THGeneratorState of size {_LEGACY_STATE_BYTES} or a "
                    f"CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG "
                    f"state size to be {len(raw)}")
            self._seed = self._twister.load_bytes(raw)
        else:
            if len(raw) != 16:
                raise RuntimeError(f"RNG state is wrong size: expected 16 bytes, got {len(raw)}")
            self._seed, self._offset = (int(v) for v in np.frombuffer(raw, np.uint64))
        return self

    def take(self, n):
        """A device generator reserves n counters; returns (seed, first counter)."""
        start = self._offset
        self._offset += int(n)
        return np.uint64(self._seed), np.int64(start)


default_generator = Generator()
_device_generators = {}  # device -> its default generator, made on first use


def device_generator(device):
    """The default generator of a device: PyTorch's CPU one, or a device's own (seeded
    with the CPU one's last seed when first used, as manual_seed seeds every device)."""
    if device.type == "cpu":
        return default_generator
    gen = _device_generators.get(device)
    if gen is None:
        gen = _device_generators[device] = Generator(device).manual_seed(default_generator._seed)
    return gen


def manual_seed(seed):
    """Seeds the default generator of every device: the draws after it are reproducible."""
    default_generator.manual_seed(seed)
    for gen in _device_generators.values():
        gen.manual_seed(seed)
    return default_generator


def seed():
    """Seeds the default generator with a fresh random seed and returns it."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default CPU generator's state, as a tensor that set_rng_state accepts."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restores the default CPU generator's state from get_rng_state()."""
    default_generator.set_state(new_state)


def _gen(generator, device):
    if generator is None:
        return device_generator(device)
    if generator.device.type != device.type:
        raise RuntimeError(f"Expected a '{device.type}' device type for generator but found "
                           f"'{generator.device.type}'")
    return generator


# bits of a CPU generator's uniform per dtype (float16 rounds a float32 one, as in PyTorch);
# random_() spans 2**bits + 1 values
_UNIFORM_BITS = {_dtype.float64: 53, _dtype.float32: 24, _dtype.float16: 24}
_FULL_RANGE_BITS = {_dtype.float64: 53, _dtype.float32: 24, _dtype.float16: 11}


def _fill(t, kind, generator, *params, counters=None, twister_params=None):
    """Fill t in place with draws of `kind`: through a contiguous tensor of the backend's
    random compute dtype where t is not one.  A device generator's draw takes `params`
    and `counters` counters (default n); a CPU generator's takes `twister_params` (default
    `params`)."""
    n = t.numel()
    if n == 0:
        return t
    from .ops._common import check_no_internal_overlap
    check_no_internal_overlap(t)
    gen = _gen(generator, t.device)
    be = backend_for(t.device)
    work_dtype = be.compute_dtype("random", t.dtype)
    target = dest = t
    if work_dtype is not t.dtype or not t.is_contiguous():
        from ._alloc import empty
        if not t.is_contiguous():
            # PyTorch draws along memory, its iterator's order: dims by decreasing stride
            from .ops.views import make_view
            order = sorted(range(t.ndim), key=lambda d: -t._strides[d])
            dest = make_view(t, [t._shape[d] for d in order], [t._strides[d] for d in order],
                             t._offset)
        target = empty(dest._shape, work_dtype, t.device)
    if gen._twister is not None:
        _twister_draw(be, gen._twister, kind, operand(target), n, t,
                      params if twister_params is None else twister_params)
    else:
        seed_, start = gen.take(counters if counters is not None else n)
        getattr(be, "random_" + kind)(operand(target), n, seed_, start, *params)
    if target is not t:
        from .ops.dispatch import copy_into
        copy_into(dest, target)
    t._storage._version += 1
    return t


def _twister_draw(be, twister, kind, out, n, t, params):
    """A CPU generator's draw, on PyTorch's CPU kernel's path for t's dtype and layout."""
    if kind == "uniform":
        be.twister_uniform(twister, out, n, *params, _UNIFORM_BITS[t.dtype])
    elif kind == "normal":
        # PyTorch transforms blocks of 16 in a contiguous tensor, else one at a time
        be.twister_normal(twister, out, n, *params, _UNIFORM_BITS[t.dtype],
                          n >= 16 and t.is_contiguous())
    elif kind == "integers":
        low, span, wide = params
        be.twister_integers(twister, out, n, low, span, wide)
    elif kind == "bernoulli":
        be.twister_bernoulli(twister, out, n, *params)
    else:
        be.twister_exponential(twister, out, n, *params)


# ---- in-place fills (Tensor methods) ------------------------------------------
def _refuse_leaf(self):
    """An in-place fill of a leaf that requires grad (or a view of one) is an error."""
    from .ops.inplace import check_leaf
    check_leaf(self)


def _drawn(self, node):
    """self was filled in place with draws: as in PyTorch, a tensor with history gets the
    node `node`, through which no gradient flows (its old history gets zeros)."""
    from .autograd.grad_mode import is_grad_enabled
    base = self._base
    if is_grad_enabled() and (self._requires_grad or (base is not None and base._requires_grad)):
        from ._tensor import make_tensor
        from .autograd.history import rebase_history
        rebase_history(self, make_tensor(self._storage, self._offset, self._shape,
                                         self._strides), node)
    return self


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
    _refuse_leaf(self)
    if self.dtype.is_complex:  # PyTorch draws the real and imaginary parts alike
        _fill(_real_parts(self), "uniform", generator, float(from_), float(to))
        return _drawn(_bumped(self), "UniformBackward0")
    return _drawn(_fill(self, "uniform", generator, float(from_), float(to)), "UniformBackward0")


def _real_parts(t):
    """t's complex elements as (real, imaginary) pairs of floats, a view without history."""
    from .ops.complex_views import view_as_real
    from .autograd.grad_mode import no_grad
    with no_grad():
        return view_as_real(t.detach())


def _bumped(t):
    t._storage._version += 1  # (the draw went through a float view's storage)
    return t


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills self with numbers drawn from the normal distribution N(mean, std**2)."""
    _check_float(self, "normal_")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    _refuse_leaf(self)
    if self.dtype.is_complex:  # each part N(mean, std**2 / 2), as PyTorch draws them
        parts = _real_parts(self)
        _fill(parts, "normal", generator, float(mean), float(std) / math.sqrt(2),
              counters=2 * parts.numel())
        return _drawn(_bumped(self), "NormalBackward0")
    return _drawn(_fill(self, "normal", generator, float(mean), float(std),
                        counters=2 * self.numel()), "NormalBackward0")


@_accepts_from_keyword
def random_(self, from_=None, to=None, *, generator=None):
    """random_() fills with integers over the dtype's range, random_(to) from [0, to),
    random_(from, to) from [from, to)."""
    if from_ is not None and to is None:
        lo, hi = 0, int(from_)
    elif to is None:
        lo = 0
        hi = 2 ** _FULL_RANGE_BITS[self.dtype] + 1 if self.dtype.category >= 2 else (
            2 if self.dtype is _dtype.bool_ else int(np.iinfo(self.dtype.np).max) + 1)
    else:
        lo, hi = int(from_ or 0), int(to)
    if hi <= lo:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    # PyTorch's CPU kernels take 64-bit draws for a span from 2**28 on, and for the
    # full range of int64 and float64; 32-bit ones otherwise
    wide = hi - lo >= 2 ** 28 if to is not None or from_ is not None else \
        self.dtype in (_dtype.int64, _dtype.float64)
    _refuse_leaf(self)
    # PyTorch's nodes: random_(from, to) RandomBackward0, random_(to) 1, random_() 2
    node = "RandomBackward2" if from_ is None else "RandomBackward1" if to is None else \
        "RandomBackward0"
    return _drawn(_fill(self, "integers", generator, lo, hi - lo,
                        twister_params=(lo, hi - lo, wide)), node)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fills self with 0/1 draws that are 1 with probability p (a number or a tensor)."""
    from ._tensor import Tensor
    t = self
    if isinstance(p, Tensor):
        from .ops.dispatch import cast
        pc = cast(p.expand(t._shape).contiguous() if tuple(p._shape) != tuple(t._shape) else p.contiguous(),
                  _dtype.float64)
        from .ops import elementwise as ew
        if pc.numel() and not ew.logical_and(ew.ge(pc, 0), ew.le(pc, 1)).all().item():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could "
                               "this error message be improved?  If so, please report an "
                               "enhancement request to PyTorch.)")
        prob = operand(pc)
        # PyTorch compares with a uniform of p's precision
        bits = 53 if p.dtype is _dtype.float64 else 24
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        prob, bits = float(p), None
    _refuse_leaf(t)
    return _drawn(_fill(t, "bernoulli", generator, prob, twister_params=(prob, bits)),
                  "BernoulliBackward1" if isinstance(p, Tensor) else "BernoulliBackward2")


def exponential_(self, lambd=1.0, *, generator=None):
    """Fills self with draws from the exponential distribution of rate lambd."""
    if self.dtype.category != 2:
        raise RuntimeError("Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{self.dtype._tensor_type.replace('Tensor', '')}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={float(lambd):g}")
    _refuse_leaf(self)
    if _gen(generator, self.device)._twister is not None:
        return _drawn(_fill(self, "exponential", generator, float(lambd)), "ExponentialBackward0")
    from .ops import elementwise as ew
    with _no_grad():
        uniform_(self, 0.0, 1.0, generator=generator)
        self.copy_(ew.neg(ew.log1p(ew.neg(self))) / lambd)
    return _drawn(self, "ExponentialBackward0")


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
    target = as_device("cpu") if device is None else as_device(device)
    gen = _gen(generator, target)
    # drawn on the host (a shuffle is serial), from the generator of the target device
    perm = empty((n,), _dtype.int64, as_device("cpu"))
    cpu = backend_for(perm.device)
    if gen._twister is not None:
        cpu.twister_randperm(gen._twister, operand(perm), n)
    else:
        seed_, start = gen.take(n)
        cpu.randperm(operand(perm), n, seed_, start)
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
        if not isinstance(std, Tensor):  # PyTorch scales inside the draw, as normal_ does
            from .ops._common import empty
            z = normal_(empty(shape, ref.dtype, ref.device), 0.0, std, generator=generator)
            return _done(z + mean, out, requires_grad)
        z = randn(shape, dtype=ref.dtype, device=ref.device, generator=generator)
        return _done(z * std + mean, out, requires_grad)
    if std is None or size is None:
        raise TypeError("normal() received an invalid combination of arguments - with float "
                        "mean and std, size is required")
    if not isinstance(size, (tuple, list)):  # torch.Size is a tuple; a bare int is refused
        raise TypeError(f"normal() received an invalid combination of arguments - got "
                        f"(float mean, float std, size={type(size).__name__}): size must be "
                        f"a tuple of ints")
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
    _check_probabilities(probs.detach(), replacement and num_samples > 1)
    gen = _gen(generator, input.device)
    if gen._twister is not None:
        drawn = _multinomial_as_pytorch(probs.detach(), num_samples, replacement, gen)
    else:
        p64 = probs.detach().to(_dtype.float64).contiguous()
        drawn = empty((nrows, num_samples), _dtype.int64, input.device)
        seed_, start = gen.take(nrows * num_samples)
        backend_for(drawn.device).multinomial(operand(p64), nrows, ncat, operand(drawn),
                                              num_samples, bool(replacement), seed_, start)
    return _done(drawn if input.ndim == 2 else drawn.reshape(num_samples), out, False)


def _check_probabilities(probs, searched):
    """PyTorch's checks of multinomial's weights (2-d): the binary search (`searched`,
    with replacement) names the first bad entry in order; the exponential race checks
    the whole tensor at once.  Either refuses a row that sums to zero."""
    from .ops import elementwise as ew
    if not probs.numel():  # rows without categories (PyTorch's messages, as its checks fail)
        if probs._shape[0]:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)"
                               if searched else "aminmax(): cannot compute aminmax over an empty "
                               "dimension as the operation has no identity.")
        return
    bad = ew.logical_or(ew.lt(probs, 0), ew.logical_not(ew.isfinite(probs)))
    if searched:
        if bad.any().item():
            first = probs.reshape(-1)[int(bad.reshape(-1).to(_dtype.uint8).argmax().item())].item()
            raise RuntimeError("invalid multinomial distribution (encountering probability entry "
                               + ("< 0)" if not first >= 0 else "= infinity or NaN)"))  # NaN: "< 0"
    elif bad.any().item():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if ew.eq(probs.sum(1), 0).any().item():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


def _multinomial_as_pytorch(probs, num_samples, replacement, gen):
    """PyTorch's CPU multinomial: with replacement and several samples, a binary search
    in each row's normalised running sum; otherwise the exponential race, the largest
    num_samples of probs / q for q ~ Exp(1) (argmax for one sample)."""
    from .ops._common import empty
    nrows, ncat = probs._shape
    if replacement and num_samples > 1:
        work = probs if probs.dtype in (_dtype.float32, _dtype.float64) else probs.float()
        work = work.contiguous()
        drawn = empty((nrows, num_samples), _dtype.int64, probs.device)
        backend_for(probs.device).twister_multinomial(gen._twister, operand(work), nrows, ncat,
                                                     operand(drawn), num_samples)
        return drawn
    q = empty(probs._shape, probs.dtype, probs.device)
    exponential_(q, 1.0, generator=gen)
    race = probs / q
    if num_samples == 1:
        return race.argmax(dim=-1, keepdim=True)
    return race.topk(num_samples).indices


# ---- the Tensor method forms: self is the input, and no out= ------------------------
def bernoulli_method(self, p=None, *, generator=None):
    """Draws 0/1 values that are 1 with probability self (or p) per element."""
    return bernoulli(self, p, generator=generator)


def multinomial_method(self, num_samples, replacement=False, *, generator=None):
    """Draws num_samples category indices per row of self's probabilities."""
    return multinomial(self, num_samples, replacement, generator=generator)
