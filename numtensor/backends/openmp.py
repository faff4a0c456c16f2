"""torch.backends.openmp: whether Numba's OpenMP threading layer can be used."""


def is_available():
    try:
        from numba.np.ufunc import omppool  # noqa: F401
        return True
    except ImportError:
        return False
