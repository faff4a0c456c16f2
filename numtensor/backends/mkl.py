"""torch.backends.mkl: numtensor uses the BLAS that SciPy ships, not Intel MKL."""


def is_available():
    return False
