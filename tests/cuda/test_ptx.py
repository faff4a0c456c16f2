"""Every CUDA kernel compiles to PTX for sm_80 and sm_90, for every dtype the backend
supports (tests/cuda/ptx_check.py says how), with NVIDIA's NVVM and no GPU.

It runs in the main (non-simulator) test process.  Without numba-cuda's NVVM it is
skipped with the reason (tests/known_skips.txt lists that skip); CI installs the
cuda extra and sets NUMTENSOR_REQUIRE_NVVM=1, which turns a missing NVVM into a
failure instead.
"""
import os

import pytest

import ptx_check


def test_every_kernel_compiles_to_ptx():
    ok, why = ptx_check.nvvm_available()
    if not ok:
        if os.environ.get("NUMTENSOR_REQUIRE_NVVM") == "1":
            pytest.fail(why)
        pytest.skip(why)
    compiles, kernels, cached, failures = ptx_check.run()
    assert not failures, "\n".join(failures)
    # every family launched something: a broken exerciser must not pass silently
    assert kernels + cached > 800, (kernels, cached)
