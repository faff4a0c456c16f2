"""with_slp_vectorizer: kernels that keep partial sums in local variables compile with
LLVM's SLP vectorizer on (Numba's default is off), and only they."""
import os

import numpy as np
from numba import njit
from numba.core import codegen, config

from numtensor._backends.cpu.jit_options import with_slp_vectorizer


def test_slp_vectorizer_is_on_while_the_dispatcher_compiles_and_off_after(monkeypatch):
    seen = []
    original = codegen.CPUCodegen._pass_builder

    def spy(self, **kwargs):
        if kwargs.get("opt", config.OPT) != 0:  # the optimising pipelines
            seen.append(kwargs.get("slp_vectorize", config.SLP_VECTORIZE))
        return original(self, **kwargs)
    monkeypatch.setattr(codegen.CPUCodegen, "_pass_builder", spy)
    default = config.SLP_VECTORIZE
    # a NUMBA_* variable changed since Numba's last look makes the compiler reload its
    # configuration, which must not switch the vectorizer back off
    monkeypatch.setenv("NUMBA_NT_TEST_RELOAD", str(os.getpid()))

    @with_slp_vectorizer
    @njit
    def total(x):
        s = x[0] - x[0]
        for v in x:
            s += v
        return s

    assert total(np.arange(4.0)) == 6.0
    assert seen and all(seen), seen
    assert config.SLP_VECTORIZE == default

    seen.clear()

    @njit
    def plain(x):
        return x[0] + 1

    plain(np.arange(3.0))
    assert seen and not any(seen)  # other code keeps Numba's default
