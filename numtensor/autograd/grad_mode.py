"""Grad mode: whether ops record history.  Context managers that are also decorators.

    with no_grad(): ...          @no_grad()  or  @no_grad      def f(): ...
    with enable_grad(): ...      @enable_grad()
    with set_grad_enabled(False): ...   @set_grad_enabled(False)   set_grad_enabled(False)
"""
import functools
import threading

class _State(threading.local):
    """Grad mode per thread.  The class attribute is every new thread's default: a
    getattr with a default on a plain threading.local raised and caught AttributeError
    inside on every call until the thread first set the mode (0.37 us, on every op)."""
    enabled = True


_state = _State()


def is_grad_enabled():
    return _state.enabled


def _set(flag):
    _state.enabled = bool(flag)


class _GradModeContext:
    """Sets grad mode to self._mode inside `with`, or around every call of a decorated
    function (a fresh context per call, so decorated functions can nest and recurse)."""

    def __new__(cls, *args, **kwargs):
        # @no_grad without parentheses: the class is called with the function itself
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]) and not kwargs:
            return cls()(args[0])
        return super().__new__(cls)

    def _fresh(self):
        return type(self)()

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set(self._mode)

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    _mode = False


class enable_grad(_GradModeContext):
    _mode = True


class set_grad_enabled(_GradModeContext):
    """Like PyTorch, it takes effect on construction, so a plain call works too."""

    def __init__(self, mode):
        self._mode = bool(mode)
        self._prev = is_grad_enabled()
        _set(self._mode)

    def _fresh(self):
        return _SetGradMode(self._mode)

    def __enter__(self):
        pass  # already set by __init__

    def __call__(self, fn):
        _set(self._prev)  # used as a decorator: undo the switch made at construction
        return super().__call__(fn)


class _SetGradMode(_GradModeContext):
    """set_grad_enabled's per-call context for decorated functions."""

    def __init__(self, mode):
        self._mode = mode


class inference_mode(_GradModeContext):
    """inference_mode(True) behaves as no_grad here (no separate inference tensors)."""

    def __init__(self, mode=True):
        self._mode = not mode

    def _fresh(self):
        return inference_mode(not self._mode)
