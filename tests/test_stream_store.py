"""Element-wise results written with streaming stores (the CPU backend's flat kernels
for results above STREAM_BYTES), against PyTorch bit for bit.

The size thresholds are lowered for these tests, so sizes of a few shares exercise the
unaligned head, whole shares, a partial last share and the tail written in place."""
import numpy as np
import pytest

import numtensor as nt
from numtensor._backends import cpu
from numtensor._backends.cpu import stream_store

import torch  # noqa: E402  (required: CI fails without the oracle)

SHARE = stream_store.SHARE_BLOCKS * stream_store.STREAM_BLOCK
# one element, less than a line, within a block, several shares and a ragged tail
SIZES = [1, 7, stream_store.STREAM_BLOCK + 3, 2 * SHARE + 3 * stream_store.STREAM_BLOCK + 37]


@pytest.fixture
def streaming(monkeypatch):
    """Every flat element-wise kernel call streams; yields the streaming kernels that ran."""
    monkeypatch.setattr(cpu, "ELEMENTWISE_GRAIN", 1)
    monkeypatch.setattr(cpu, "STREAM_BYTES", 1)

    def used():
        return {name for mod in cpu._ew_modules.values() for name in dir(mod)
                if name.endswith("_stream") and getattr(mod, name).overloads}
    yield used


def _unstreamed(fn, monkeypatch):
    """fn() with the kernels streaming nothing: the plain kernels' result."""
    monkeypatch.setattr(cpu, "STREAM_BYTES", 1 << 62)
    try:
        return fn()
    finally:
        monkeypatch.setattr(cpu, "STREAM_BYTES", 1)


def _pair(array):
    return nt.from_numpy(array.copy()), torch.from_numpy(array.copy())


def _same(ours, theirs):
    assert ours.dtype == getattr(nt, str(theirs.dtype).split(".")[1])
    assert ours.shape == theirs.shape
    expected = theirs.numpy()
    got = ours.numpy()
    if expected.dtype.kind == "f":  # bits, so NaNs and signed zeros count
        expected, got = expected.view(f"u{expected.itemsize}"), got.view(f"u{got.itemsize}")
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("offset", [0, 3])
def test_binary_unary_and_scalar_ops_stream_into_fresh_and_offset_outputs(streaming, n, offset,
                                                                          monkeypatch):
    rng = np.random.default_rng(n + offset)
    base_a = rng.standard_normal(n + offset).astype(np.float32)
    base_b = rng.standard_normal(n + offset).astype(np.float32)
    (a, ta), (b, tb) = _pair(base_a), _pair(base_b)
    a, ta, b, tb = a[offset:], ta[offset:], b[offset:], tb[offset:]
    _same(a + b, ta + tb)
    # exp is within 2 ulp of PyTorch's, not always its bits: the plain kernel's bits
    plain = _unstreamed(lambda: a.exp(), monkeypatch).numpy()
    np.testing.assert_array_equal(a.exp().numpy().view(np.uint32), plain.view(np.uint32))
    _same(a * 1.5, ta * 1.5)
    _same(a > b, ta > tb)                          # a bool result, one byte per element
    _same(nt.where(a > 0, a, b), torch.where(ta > 0, ta, tb))
    # into an existing buffer at an element offset: the head before the first line
    out, tout = _pair(np.full(n + 5, 7, np.float32))
    nt.mul(a, b, out=out[5:])
    torch.mul(ta, tb, out=tout[5:])
    _same(out, tout)
    assert {"flat_11_stream", "flat_1_stream", "flat_111_stream"} <= streaming()


@pytest.mark.parametrize("n", SIZES[1:])
def test_broadcast_operand_fill_copy_and_casts_stream(streaming, n):
    rng = np.random.default_rng(n)
    (a, ta) = _pair(rng.standard_normal(n).astype(np.float32))
    (one, tone) = _pair(np.array([2.5], np.float32))
    _same(a - one, ta - tone)                      # the second operand broadcast
    _same(one - a, tone - ta)                      # the first
    _same(nt.full((n,), 3.25), torch.full((n,), 3.25))
    _same(nt.zeros(n, dtype=nt.float64), torch.zeros(n, dtype=torch.float64))
    _same(a.double(), ta.double())                 # a conversion: 8-byte results
    _same(a.clone(), ta.clone())
    _same(a.half(), ta.half())                     # float16 results as bit patterns
    _same(a.half() + a.half(), ta.half() + ta.half())
    _same((a * 100).to(nt.int16), (ta * 100).to(torch.int16))
    _same(one.expand(n).contiguous(), tone.expand(n).contiguous())  # one element, copied
    assert {"flat_10_stream", "flat_01_stream", "flat__stream", "flat_1_stream",
            "flat_0_stream"} <= streaming()


def test_in_place_op_streams_over_its_own_input(streaming):
    n = SIZES[-1]
    rng = np.random.default_rng(5)
    (a, ta), (b, tb) = (_pair(rng.standard_normal(n).astype(np.float32)) for _ in range(2))
    a.add_(b)
    ta.add_(tb)
    _same(a, ta)
    assert "flat_11_stream" in streaming()


def test_a_buffer_off_its_item_alignment_is_written_without_streaming(streaming):
    """No element of a float32 buffer at an odd address is on a line boundary: the
    kernel writes it all in place (the head) and still gets every element right."""
    n = SIZES[-1]
    rng = np.random.default_rng(6)
    x, y = (rng.standard_normal(n).astype(np.float32) for _ in range(2))
    raw = np.zeros(4 * n + 1, np.uint8)
    out = np.frombuffer(raw.data, np.float32, count=n, offset=1)
    assert out.ctypes.data % 4 == 1
    mod = cpu._elementwise_module("add", 2, (), (), False)
    zero = np.float32(0)
    mod.flat_11_stream(x, 0, y, 0, out, 0, n, zero, zero)
    np.testing.assert_array_equal(out, x + y)


def test_only_results_above_the_threshold_stream(monkeypatch):
    """At the shipped threshold a result of a few MB takes the parallel kernel."""
    monkeypatch.setattr(cpu, "ELEMENTWISE_GRAIN", 1)
    a = nt.ones(1000)
    before = {id(mod): mod.flat_1_stream.overloads.copy()
              for mod in cpu._ew_modules.values() if hasattr(mod, "flat_1_stream")}
    (a * 2.0).neg()
    for mod in cpu._ew_modules.values():
        if id(mod) in before:
            assert mod.flat_1_stream.overloads == before[id(mod)]
        elif hasattr(mod, "flat_1_stream"):
            assert not mod.flat_1_stream.overloads
