"""Numba options shared by the CPU kernel modules."""

# For a helper called only from other kernels: Numba otherwise builds a CPython entry
# point and a C-callable wrapper for every function it compiles, and a cold cache
# pays about 30 ms of compilation for each (measured on a helper of 14 arguments).
NO_PYTHON_ENTRY = dict(no_cpython_wrapper=True, no_cfunc_wrapper=True)
