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
    inside on every call until the thread first set the mode (0.37 us, on every op).
    `inference`: whether inference_mode is in effect (per thread too, as in PyTorch)."""
    enabled = True
    inference = False


_state = _State()


def is_grad_enabled():
    return _state.enabled


def _set(flag):
    _state.enabled = bool(flag)


def is_inference_mode_enabled():
    """Returns True if inference mode is currently enabled (in this thread)."""
    return _state.inference


class _AnomalyState:
    """Anomaly mode: one setting for the whole process, as PyTorch's (not per thread).
    `enabled` is the one flag node creation and the backward engine read."""
    __slots__ = ("enabled", "check_nan")

    def __init__(self):
        self.enabled = False
        self.check_nan = True


_anomaly = _AnomalyState()


def is_anomaly_enabled():
    """Returns True if anomaly detection is enabled for the autograd engine."""
    return _anomaly.enabled


def is_anomaly_check_nan_enabled():
    """Returns True if the autograd engine checks backward results for NaN in anomaly
    mode (the check_nan of set_anomaly_enabled / set_detect_anomaly)."""
    return _anomaly.check_nan


def set_anomaly_enabled(enabled, check_nan=True):
    """Turns anomaly detection on or off for the autograd engine.  While it is on, every
    node records the stack of the forward call that created it (in its
    metadata["traceback_"]), an error in a node's backward first warns with that stack,
    and with check_nan a backward that returns NaN raises an error naming the node."""
    for position, name, value in ((1, "enabled", enabled), (2, "check_nan", check_nan)):
        if not isinstance(value, bool):
            raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position {position}) "
                            f"must be bool, not {type(value).__name__}")
    _anomaly.enabled = enabled
    _anomaly.check_nan = check_nan


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
    """inference_mode(True) behaves as no_grad here (no separate inference tensors);
    is_inference_mode_enabled() reports it."""

    def __init__(self, mode=True):
        self._mode = not mode

    def __enter__(self):
        self._prev_inference = _state.inference
        _state.inference = not self._mode
        super().__enter__()

    def __exit__(self, *exc):
        _state.inference = self._prev_inference
        return super().__exit__(*exc)

    def _fresh(self):
        return inference_mode(not self._mode)


_ANOMALY_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime "
                    "and should only be enabled for debugging.")


class detect_anomaly:
    """Context manager that enables anomaly detection for the autograd engine: a node
    whose backward fails first warns with the traceback of the forward call that created
    it, and with check_nan a backward that returns NaN raises an error.  Warns on
    construction that the mode is slow, as PyTorch does.  Like PyTorch's, it is not a
    decorator."""

    def __init__(self, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        import warnings
        warnings.warn(_ANOMALY_WARNING, stacklevel=2)

    def __enter__(self):
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Sets anomaly detection on or off (see detect_anomaly); it takes effect on
    construction, so it works as a plain call and as a context manager that restores the
    previous setting on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)
