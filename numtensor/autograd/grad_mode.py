"""Grad mode: whether ops record history.  Context managers that are also decorators."""
import functools
import threading

_state = threading.local()


def is_grad_enabled():
    return getattr(_state, "enabled", True)


def _set(flag):
    _state.enabled = bool(flag)


class _GradModeContext:
    """Base for no_grad / enable_grad / set_grad_enabled."""
    _target = True

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set(self._target)
        return None

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__() if type(self) is not set_grad_enabled else set_grad_enabled(self._target):
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    _target = False


class enable_grad(_GradModeContext):
    _target = True


class set_grad_enabled(_GradModeContext):
    def __init__(self, mode):
        self._target = bool(mode)
        self._prev = is_grad_enabled()
        _set(self._target)  # like PyTorch, it also works as a plain function call

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        _set(self._prev)
        return False


class inference_mode(no_grad):
    def __init__(self, mode=True):
        self._target = not mode
