"""Numba options shared by the CPU kernel modules."""

# For a helper called only from other kernels: Numba otherwise builds a CPython entry
# point and a C-callable wrapper for every function it compiles, and a cold cache
# pays about 30 ms of compilation for each (measured on a helper of 14 arguments).
NO_PYTHON_ENTRY = dict(no_cpython_wrapper=True, no_cfunc_wrapper=True)


def with_slp_vectorizer(dispatcher):
    """Have Numba compile dispatcher's new signatures with LLVM's SLP vectorizer on (it
    packs independent scalar operations, such as one partial sum per column, into vector
    instructions).  Numba reads the switch, NUMBA_SLP_VECTORIZE, when it optimises a
    module and leaves it off by default; it is turned on only while this dispatcher
    compiles (callees included) and put back after, so other code keeps Numba's
    default.  Loading a signature from the disk cache goes the same way, compiling
    nothing.  Returns the dispatcher."""
    compile_for_args = dispatcher._compile_for_args  # what a call with new types runs

    def compile_with_slp(*args, **kwargs):
        from numba.core import config
        from numba.core.compiler_lock import global_compiler_lock
        # under Numba's compiler lock (re-entrant): no other thread compiles while the
        # switch is on
        with global_compiler_lock:
            # Numba re-reads its NUMBA_* environment variables when a compilation starts
            # if one changed since its last look (numtensor sets NUMBA_CACHE_DIR on first
            # use), which would put the switch back to its default: that happens first
            config.reload_config()
            before = config.SLP_VECTORIZE
            config.SLP_VECTORIZE = True
            try:
                return compile_for_args(*args, **kwargs)
            finally:
                config.SLP_VECTORIZE = before
    dispatcher._compile_for_args = compile_with_slp
    return dispatcher
