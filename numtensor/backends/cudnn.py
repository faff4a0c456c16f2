"""torch.backends.cudnn: numtensor's CUDA kernels are its own (numba.cuda), not cuDNN.

`benchmark`, `deterministic`, `enabled` and `allow_tf32` are plain settable flags, as
in PyTorch, so training scripts that set them run unchanged; they change nothing here
because no cuDNN algorithm is ever chosen.
"""
import sys
import types


class _CudnnModule(types.ModuleType):
    benchmark = False
    deterministic = False
    enabled = True
    allow_tf32 = True

    def is_available(self):
        return False

    def version(self):
        return None


sys.modules[__name__].__class__ = _CudnnModule
