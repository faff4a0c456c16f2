"""with_slp_vectorizer: kernels that keep partial sums in local variables compile with
LLVM's SLP vectorizer on (Numba's default is off), and only they.  with_interleaved_loops:
kernels whose loop body is a long dependency chain compile with their vector loops
interleaved, and only they."""
import os
import re

import numpy as np
from numba import njit
from numba.core import codegen, config

from numtensor._backends.cpu.jit_options import with_interleaved_loops, with_slp_vectorizer


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


def _polynomial(x, y):
    # a long chain of dependent steps per element, as in fastmath.py: LLVM's cost model
    # puts one vector of elements in flight per iteration
    for i in range(x.size):
        v = x[i]
        p = v * 0.5 + 1.0
        for c in (0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625, 0.001953125):
            p = p * v + c
        y[i] = p


def _vector_multiply_adds(dispatcher):
    """The packed float64 multiply(-add)s in dispatcher's one compiled signature."""
    asm = dispatcher.inspect_asm(dispatcher.signatures[0])
    return len(re.findall(r"^\s+v(?:fmadd\w*pd|mulpd)\s", asm, re.M))


def _code(dispatcher):
    """dispatcher's machine code, without the symbol names and constant labels that tell
    two compilations of one function apart."""
    asm = dispatcher.inspect_asm(dispatcher.signatures[0])
    return [line.split()[0] for line in asm.splitlines()
            if line.strip() and not re.match(r"\s*[._\w$]+:|\s*\.", line)]


def test_interleaved_loops_hold_several_vectors_per_iteration_and_only_while_compiling():
    x, y = np.linspace(-1.0, 1.0, 100), np.empty(100)
    before = njit(_polynomial)
    before(x, y)
    interleaved = with_interleaved_loops(njit(_polynomial), 4)
    interleaved(x, y)
    want = np.empty(100)
    before(x, want)
    np.testing.assert_array_equal(y, want)
    after = njit(_polynomial)
    after(x, y)
    # four vectors of independent elements per iteration, where the cost model picks fewer
    assert _vector_multiply_adds(interleaved) > _vector_multiply_adds(before) > 0
    # the option is put back: code compiled later is the same as code compiled before
    assert _code(after) == _code(before)
