"""torch.random: the default generator's seed and state, and fork_rng."""
import contextlib

from ._random import (default_generator, get_rng_state, initial_seed, manual_seed,  # noqa: F401
                      seed, set_rng_state)

__all__ = ["manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng"]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):
    """Runs the block with the random state forked: the state is restored on exit, so
    draws inside do not change the draws after it."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
