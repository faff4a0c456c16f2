"""torch.backends.cuda: whether numtensor was built with CUDA support (numba.cuda)."""


def is_built():
    try:
        import importlib.util
        return importlib.util.find_spec("numba") is not None
    except (ImportError, ValueError):
        return False


class _Matmul:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True


matmul = _Matmul()
