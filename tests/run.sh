#!/usr/bin/env bash
# The test command README.md gives: the CPU suite, then the tests that write through
# indexing, scatter, in-place ops and float16 again with guard bytes around every
# buffer (an out-of-bounds write by any kernel fails the op that made it).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pytest -q tests
NUMTENSOR_GUARD_BYTES=64 python -m pytest -q -p no:randomly tests/test_indexing.py \
    tests/test_joining.py tests/test_elementwise.py tests/test_dtypes.py \
    tests/test_memory_safety.py tests/test_autograd.py
