"""Autograd anomaly mode, Tensor.register_post_accumulate_grad_hook and the small global
switches (warn_always, flush_denormal, inter-op threads, default tensor type, inference
mode), each against real torch."""
import threading
import warnings

import pytest

import numtensor as nt
from nn_helpers import raises_like

import torch  # the oracle

ANOMALY_ON = ("Anomaly Detection has been enabled. This mode will increase the runtime and "
              "should only be enabled for debugging.")


def _strip_cpp_location(message):
    """torch's C++ warnings end with ' (Triggered internally at <file>:<line>.)'; numtensor
    gives the text without that build location."""
    cut = message.find(" (Triggered internally at ")
    return message if cut < 0 else message[:cut]


def _recorded(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [(w.category, _strip_cpp_location(str(w.message))) for w in caught]


@pytest.fixture(autouse=True)
def _restore_modes():
    yield
    for lib in (nt, torch):
        lib.set_anomaly_enabled(False, True)
        lib.set_warn_always(False)
        lib.set_flush_denormal(False)
        lib.set_default_dtype(lib.float32)


# ---- anomaly mode: the switches -----------------------------------------------------
def test_anomaly_defaults_and_set_anomaly_enabled():
    for lib in (nt, torch):
        assert lib.is_anomaly_enabled() is False and lib.is_anomaly_check_nan_enabled() is True
        assert lib.set_anomaly_enabled(True) is None
        assert lib.is_anomaly_enabled() is True and lib.is_anomaly_check_nan_enabled() is True
        lib.set_anomaly_enabled(True, check_nan=False)
        assert lib.is_anomaly_check_nan_enabled() is False
        lib.set_anomaly_enabled(enabled=False, check_nan=True)
        assert lib.is_anomaly_enabled() is False
    for args in [(1,), (True, 1), (None,)]:
        raises_like(lambda: nt.set_anomaly_enabled(*args), lambda: torch.set_anomaly_enabled(*args))
    raises_like(lambda: nt.autograd.set_detect_anomaly(1),
                lambda: torch.autograd.set_detect_anomaly(1))


def test_set_detect_anomaly_call_and_context():
    for lib in (nt, torch):
        mode = lib.autograd.set_detect_anomaly(True, check_nan=False)  # a plain call works
        assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        with mode:  # restores what was there before construction
            assert lib.is_anomaly_enabled()
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        with lib.autograd.set_detect_anomaly(True):
            with lib.autograd.set_detect_anomaly(False):
                assert not lib.is_anomaly_enabled()
            assert lib.is_anomaly_enabled()
        assert not lib.is_anomaly_enabled()


def test_detect_anomaly_warns_on_construction_and_is_no_decorator():
    for lib in (nt, torch):
        ctx, caught = _recorded(lambda: lib.autograd.detect_anomaly(check_nan=False))
        assert caught == [(UserWarning, ANOMALY_ON)]
        assert not lib.is_anomaly_enabled()
        with ctx:
            assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ctx_nt = nt.autograd.detect_anomaly()
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ctx_torch = torch.autograd.detect_anomaly()
    raises_like(lambda: ctx_nt(lambda: None), lambda: ctx_torch(lambda: None))


def test_anomaly_mode_is_global_not_per_thread():
    for lib in (nt, torch):
        seen = []
        with lib.autograd.set_detect_anomaly(True):
            worker = threading.Thread(target=lambda: seen.append(lib.is_anomaly_enabled()))
            worker.start()
            worker.join()
        assert seen == [True]


# ---- anomaly mode: the engine --------------------------------------------------------
def _sqrt_at_zero(lib):
    a = lib.zeros(2, requires_grad=True)
    b = lib.sqrt(a) * 0  # SqrtBackward0: 0 / (2 * sqrt(0)) = nan
    b.sum().backward()


def _nan_times_zero(lib):
    a = lib.zeros(2, requires_grad=True)
    (a * lib.tensor([float("nan"), 1.0])).sum().backward()  # MulBackward0: 1 * nan


def _nan_in_second_output(lib):
    a = lib.ones(2, requires_grad=True)
    b = lib.ones(2, requires_grad=True)
    (lib.tensor([1.0, 2.0]) * a + b * lib.tensor([float("nan"), 1.0])).sum().backward()


@pytest.mark.parametrize("case", [_sqrt_at_zero, _nan_times_zero, _nan_in_second_output])
def test_nan_in_backward_raises_like_torch(case):
    for lib in (nt, torch):
        lib.set_anomaly_enabled(True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        message = raises_like(lambda: case(nt), lambda: case(torch))
    assert "returned nan values in its" in message


def test_nan_check_off_and_anomaly_off_let_nan_through():
    for lib in (nt, torch):
        lib.set_anomaly_enabled(True, check_nan=False)
    grads = []
    for lib in (nt, torch):
        a = lib.zeros(2, requires_grad=True)
        (lib.sqrt(a) * 0).sum().backward()
        grads.append(a.grad.tolist())
    for lib in (nt, torch):
        lib.set_anomaly_enabled(False)
        a = lib.zeros(2, requires_grad=True)
        (lib.sqrt(a) * 0).sum().backward()
        grads.append(a.grad.tolist())
    assert all(str(g) == "[nan, nan]" for g in grads)


def test_autograd_grad_checks_nan_too():
    for lib in (nt, torch):
        lib.set_anomaly_enabled(True)

    def run(lib):
        a = lib.zeros(1, requires_grad=True)
        lib.autograd.grad((lib.sqrt(a) * 0).sum(), a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda: run(nt), lambda: run(torch))


def _forward_trace_case(lib):
    a = lib.zeros(2, requires_grad=True)
    b = lib.sqrt(a) * 0  # the line the trace must show
    b.sum().backward()


def test_failing_backward_warns_with_forward_trace():
    results = []
    for lib in (nt, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with lib.autograd.set_detect_anomaly(True):
                with pytest.raises(RuntimeError, match="SqrtBackward0"):
                    _forward_trace_case(lib)
        messages = [(w.category, _strip_cpp_location(str(w.message))) for w in caught]
        results.append(messages)
    assert results[0] == results[1]
    (category, text), = results[0]
    assert category is UserWarning
    assert text.startswith("Error detected in SqrtBackward0. Traceback of forward call that "
                           "caused the error:\n")
    assert "in _forward_trace_case\n    b = lib.sqrt(a) * 0" in text
    assert "numtensor" not in text


def test_custom_function_error_warns_and_raises():
    def run(lib):
        class Boom(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.clone()

            @staticmethod
            def backward(ctx, grad):
                raise ValueError("Some error in backward")

        a = lib.ones(3, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with lib.autograd.set_detect_anomaly(True):
                y = Boom.apply(a)
                assert isinstance(y.grad_fn.metadata["traceback_"], list)
                with pytest.raises(ValueError, match="Some error in backward"):
                    y.sum().backward()
        assert len(caught) == 1 and caught[0].category is UserWarning
        assert str(caught[0].message).startswith(
            "Error detected in BoomBackward. Traceback of forward call that caused the error:\n")
        assert "y = Boom.apply(a)" in str(caught[0].message)
    run(nt)
    run(torch)


def test_no_trace_recorded_when_off():
    for lib in (nt, torch):
        y = lib.ones(2, requires_grad=True) * 2
        assert "traceback_" not in y.grad_fn.metadata
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no anomaly warning when off
            with pytest.raises(RuntimeError):
                y.sum().backward()
                y.sum().backward()  # freed graph: the plain error, no trace


# ---- Tensor.register_post_accumulate_grad_hook ---------------------------------------
def _hook_log(lib):
    log = []
    a = lib.ones(2, requires_grad=True)
    c = lib.ones(2, requires_grad=True)
    h1 = a.register_post_accumulate_grad_hook(
        lambda t: log.append(("a1", t is a, t.grad.tolist())))
    a.register_post_accumulate_grad_hook(lambda t: log.append(("a2", t.grad.tolist())))
    c.register_post_accumulate_grad_hook(lambda t: log.append(("c", t.grad.tolist())))
    pre = a.register_hook(lambda g: log.append(("pre", g.tolist())))
    out = (a * 3 + c * a).sum()
    out.backward(retain_graph=True)
    out.backward()
    pre.remove()  # (numtensor's autograd.grad does not run a leaf's tensor hooks yet)
    h1.remove()
    h1.remove()  # a second remove does nothing
    log.append("removed")
    (a * 1).sum().backward()
    log.append("grad")
    lib.autograd.grad((a * 1).sum(), a)  # autograd.grad accumulates nothing: no hook
    log.append("inputs")
    (a * c).sum().backward(inputs=[a])
    log.append("leaf root")
    a.backward(lib.ones(2))
    return log


def test_post_accumulate_grad_hook_order_and_remove():
    assert _hook_log(nt) == _hook_log(torch)


def test_post_accumulate_grad_hook_optimizer_in_backward():
    def run(lib):
        p = lib.tensor([1.0, 2.0], requires_grad=True)
        q = lib.tensor([3.0], requires_grad=True)
        seen = []

        def step(t):  # the optimizer-in-backward pattern: update, then drop the grad
            seen.append(t.grad.tolist())
            with lib.no_grad():
                t.sub_(0.5 * t.grad)
            t.grad = None

        for t in (p, q):
            t.register_post_accumulate_grad_hook(step)
        for _ in range(2):
            ((p * p).sum() * q).sum().backward()
        return seen, p.tolist(), q.tolist(), p.grad, q.grad
    assert run(nt) == run(torch)


def test_post_accumulate_grad_hook_errors():
    raises_like(lambda: (nt.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(print),
                lambda: (torch.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(print))
    raises_like(lambda: nt.ones(2).register_post_accumulate_grad_hook(print),
                lambda: torch.ones(2).register_post_accumulate_grad_hook(print))

    def returning(lib, value):
        a = lib.ones(2, requires_grad=True)
        a.register_post_accumulate_grad_hook(lambda t: value(lib))
        (a * 1).sum().backward()
    raises_like(lambda: returning(nt, lambda lib: 5), lambda: returning(torch, lambda lib: 5))
    raises_like(lambda: returning(nt, lambda lib: lib.ones(2)),
                lambda: returning(torch, lambda lib: lib.ones(2)))


# ---- global switches ------------------------------------------------------------------
def test_is_inference_mode_enabled():
    for lib in (nt, torch):
        assert lib.is_inference_mode_enabled() is False
        with lib.no_grad():
            assert lib.is_inference_mode_enabled() is False
        with lib.inference_mode():
            assert lib.is_inference_mode_enabled() is True
            with lib.inference_mode(False):
                assert lib.is_inference_mode_enabled() is False
                assert lib.is_grad_enabled() is True
            assert lib.is_inference_mode_enabled() is True and not lib.is_grad_enabled()

        @lib.inference_mode()
        def inside():
            return lib.is_inference_mode_enabled()
        assert inside() is True and lib.is_inference_mode_enabled() is False
        seen = []
        with lib.inference_mode():  # per thread, as in torch
            worker = threading.Thread(target=lambda: seen.append(lib.is_inference_mode_enabled()))
            worker.start()
            worker.join()
        assert seen == [False]


def test_warn_always():
    for lib in (nt, torch):
        assert lib.is_warn_always_enabled() is False
        assert lib.set_warn_always(True) is None
        assert lib.is_warn_always_enabled() is True
        lib.set_warn_always(False)
    for bad in (1, None):
        raises_like(lambda: nt.set_warn_always(bad), lambda: torch.set_warn_always(bad))


def test_set_flush_denormal():
    for lib in (nt, torch):
        assert lib.set_flush_denormal(True) is True  # x86-64
        tiny = lib.tensor([1e-310, 1.0], dtype=lib.float64)
        assert (tiny * 1).tolist() == [0.0, 1.0]
        # a kernel on the calling thread (numtensor's parallel pool keeps the setting its
        # threads had when they started: see set_flush_denormal's docstring)
        assert (lib.full((5000,), 1e-310, dtype=lib.float64) * 2).sum().item() == 0.0
        assert lib.set_flush_denormal(False) is True
        assert (tiny * 1).tolist() == [1e-310, 1.0]
    for bad in (1, None, "a"):
        raises_like(lambda: nt.set_flush_denormal(bad), lambda: torch.set_flush_denormal(bad))


def test_interop_threads(monkeypatch):
    from numtensor import _threads
    monkeypatch.setattr(_threads, "_interop", [None])  # a fresh process's state
    assert nt.get_num_interop_threads() == torch.get_num_interop_threads()
    for bad in (0, -1, "a", 2.0, True):
        raises_like(lambda: nt.set_num_interop_threads(bad),
                    lambda: torch.set_num_interop_threads(bad))
    assert nt.set_num_interop_threads(3) is None
    assert nt.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError) as got:
        nt.set_num_interop_threads(3)
    assert str(got.value) == ("Error: cannot set number of interop threads after parallel work "
                              "has started or set_num_interop_threads called")


def test_init_num_threads():
    for lib in (nt, torch):
        assert lib.init_num_threads() is None
        n = lib.get_num_threads()
        seen = []

        def worker():
            lib.init_num_threads()
            seen.append(lib.get_num_threads())
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert seen == [n]


DEPRECATED = ("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
              "torch.set_default_dtype() and torch.set_default_device() as alternatives.")


def test_set_default_tensor_type():
    for lib in (nt, torch):
        lib.set_warn_always(True)  # the deprecation is a warn-once: every call warns now
        _, caught = _recorded(lambda: lib.set_default_tensor_type(lib.DoubleTensor))
        assert caught == [(UserWarning, DEPRECATED)]
        assert lib.get_default_dtype() is lib.float64
        assert lib.tensor([1.5]).dtype is lib.float64
        _, caught = _recorded(lambda: lib.set_default_tensor_type("torch.FloatTensor"))
        assert caught == [(UserWarning, DEPRECATED)]
        assert lib.get_default_dtype() is lib.float32
        _recorded(lambda: lib.set_default_tensor_type(lib.DoubleTensor))
        _recorded(lambda: lib.set_default_tensor_type(lib.FloatTensor))
        assert lib.get_default_dtype() is lib.float32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for bad in ("LongTensor", "float64", 3, "cudaFloat", "torch.LongTensor", "nosuchmodule.X"):
            def make(lib, bad=bad):
                value = {"LongTensor": getattr(lib, "LongTensor"), "float64": lib.float64,
                         "cudaFloat": "torch.cuda.FloatTensor"}.get(bad, bad)
                return lambda: lib.set_default_tensor_type(value)
            raises_like(make(nt), make(torch))
    assert nt.get_default_dtype() is nt.float32


def test_set_default_tensor_type_warns_once_without_warn_always(monkeypatch):
    from numtensor import _global_switches
    monkeypatch.setattr(_global_switches, "_warned_once", set())  # a fresh process's state
    _, first = _recorded(lambda: nt.set_default_tensor_type(nt.FloatTensor))
    _, second = _recorded(lambda: nt.set_default_tensor_type(nt.FloatTensor))
    assert first == [(UserWarning, DEPRECATED)] and second == []
