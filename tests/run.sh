#!/usr/bin/env bash
# The test command README.md gives: the CPU suite (with the differential fuzz run:
# 1,000 cases, seeded from the commit hash), then the tests that write through
# indexing, scatter, in-place ops, float16 and the BLAS products (which BLAS writes
# through raw pointers) again with guard bytes around every
# buffer (an out-of-bounds write by any kernel fails the op that made it), then the
# CUDA tests on Numba's CUDA simulator.
# It fails when PyTorch (the test oracle) is missing, and, through tests/conftest.py,
# when a test is skipped that tests/known_skips.txt does not list.
#
# CUDA, after the CPU runs: tests/cuda/test_ptx.py compiles every CUDA kernel to PTX
# with NVIDIA's NVVM (no GPU needed; numba-cuda[cu12], the cuda extra), splitting the
# kernels over worker processes of its own; on a machine with a GPU that run executes
# tests/cuda on the GPU as well.  The last run executes every CUDA kernel in the
# simulator (NUMBA_ENABLE_CUDASIM=1, tiny sizes) and compares with the CPU: tests/cuda,
# and the CUDA cases of the backend conformance suite (tests/backends).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python -c "import torch" 2>/dev/null; then
    echo "tests/run.sh: PyTorch is missing; the tests need it as their oracle (pip install torch==2.13.0)" >&2
    exit 1
fi
# Two worker processes (pytest-xdist), a test file each at a time: most of a cold run is
# Numba compiling kernels, one core per process; NUMTENSOR_TEST_WORKERS=0 runs serially.
# --durations lists the slowest tests (on a cold cache, mostly compilation) to watch CI time.
workers=(-n "${NUMTENSOR_TEST_WORKERS:-2}" --dist loadfile)
if [ "${NUMTENSOR_TEST_WORKERS:-2}" = 0 ]; then workers=(); fi
python -m pytest -q "${workers[@]}" --durations=25 tests --ignore=tests/cuda "$@"
NUMTENSOR_GUARD_BYTES=64 python -m pytest -q "${workers[@]}" tests/test_indexing.py tests/test_joining.py \
    tests/test_elementwise.py tests/test_dtypes.py tests/test_memory_safety.py \
    tests/test_autograd.py tests/backends/test_conformance_nn.py tests/test_batched_matmul.py
python -m pytest -q tests/cuda
# -k cuda: of the conformance suite only the CUDA backend's cases (the first run did the CPU's)
NUMBA_ENABLE_CUDASIM=1 python -m pytest -q "${workers[@]}" -k cuda tests/cuda tests/backends
