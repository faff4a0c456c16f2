"""Numba options shared by the CPU kernel modules."""

# For a helper called only from other kernels: Numba otherwise builds a CPython entry
# point and a C-callable wrapper for every function it compiles, and a cold cache
# pays about 30 ms of compilation for each (measured on a helper of 14 arguments).
NO_PYTHON_ENTRY = dict(no_cpython_wrapper=True, no_cfunc_wrapper=True)


def _compile_with(dispatcher, switch_on, switch_off):
    """Have Numba compile dispatcher's new signatures between switch_on() and
    switch_off(): compiler settings that hold for this dispatcher (callees included)
    and are put back after, so other code keeps Numba's defaults.  Loading a signature
    from the disk cache goes the same way, compiling nothing.  Returns the dispatcher."""
    compile_for_args = dispatcher._compile_for_args  # what a call with new types runs

    def compile_switched(*args, **kwargs):
        from numba.core.compiler_lock import global_compiler_lock
        # under Numba's compiler lock (re-entrant): no other thread compiles while the
        # switch is on
        with global_compiler_lock:
            state = switch_on()
            try:
                return compile_for_args(*args, **kwargs)
            finally:
                switch_off(state)
    dispatcher._compile_for_args = compile_switched
    return dispatcher


def with_slp_vectorizer(dispatcher):
    """Have Numba compile dispatcher with LLVM's SLP vectorizer on (it packs independent
    scalar operations, such as one partial sum per column, into vector instructions).
    Numba reads the switch, NUMBA_SLP_VECTORIZE, when it optimises a module and leaves
    it off by default."""
    from numba.core import config

    def on():
        # Numba re-reads its NUMBA_* environment variables when a compilation starts if
        # one changed since its last look (numtensor sets NUMBA_CACHE_DIR on first use),
        # which would put the switch back to its default: that happens first
        config.reload_config()
        before = config.SLP_VECTORIZE
        config.SLP_VECTORIZE = True
        return before

    def off(before):
        config.SLP_VECTORIZE = before
    return _compile_with(dispatcher, on, off)


def with_interleaved_loops(dispatcher, count):
    """Have Numba compile dispatcher with each vectorised loop interleaved `count` ways:
    `count` vectors of independent elements in flight per iteration, not one.  For loop
    bodies that are one long chain of dependent arithmetic (a polynomial per element,
    fastmath.py): with one vector per iteration the core waits on each step's latency,
    with four it overlaps them (float32 exp of 1e7 on an AVX2 core: 12 -> 8 ms).
    LLVM's cost model only interleaves small loop bodies, and Numba offers no loop
    hint, so LLVM's -force-vector-interleave option is set for the compilation and put
    back to 0 (the cost model's choice) after; the machine code of everything compiled
    later is as if it had never been set."""
    import llvmlite.binding as llvm

    def on():
        llvm.set_option("", f"-force-vector-interleave={count}")

    def off(_):
        llvm.set_option("", "-force-vector-interleave=0")
    return _compile_with(dispatcher, on, off)
