"""The differential fuzz test: random programs run on numtensor and on torch.

CI runs 1,000 programs (--fuzz-cases N for more, e.g. 20000 nightly) with a seed
derived from the commit hash, so each commit explores new programs; the seed is
printed, and `pytest tests/fuzz --fuzz-seed S --fuzz-cases N` repeats a run.  Each
failure prints its program, which runs as is with `import torch` (or numtensor as
torch).  Disagreements that are torch's quirks or known numtensor bugs are listed in
known.py; any other disagreement fails.
"""
import collections
import os
import subprocess

import numpy as np
import pytest

import compare
import known
import programs

FIXED_SEED = 20251202  # when there is no git checkout
DEFAULT_CASES = 1000


def commit_seed():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        return int(head[:8], 16) if head else FIXED_SEED
    except (OSError, ValueError, subprocess.SubprocessError):
        return FIXED_SEED


@pytest.fixture(scope="module")
def fuzz_run(request):
    seed = request.config.getoption("--fuzz-seed")
    seed = commit_seed() if seed is None else seed
    cases = request.config.getoption("--fuzz-cases") or DEFAULT_CASES
    return seed, cases


def program(seed, case):
    return programs.draw_program(np.random.default_rng([seed, case]))


def test_differential_fuzz(fuzz_run, capsys):
    seed, cases = fuzz_run
    with capsys.disabled():
        print(f"\nfuzz: seed {seed}, {cases} cases "
              f"(repeat: pytest tests/fuzz --fuzz-seed {seed} --fuzz-cases {cases})")
    unexplained = []
    explained = collections.Counter()
    not_run = collections.Counter()
    for case in range(cases):
        prog = program(seed, case)
        unsafe = known.memory_unsafe(prog)
        if unsafe is not None:
            not_run[unsafe.name] += 1
            continue
        for d in compare.compare(prog):
            entry = known.classify(prog, d)
            if entry is None:
                unexplained.append(f"case {case} ({prog.dtype}, {prog.layout}, shape {prog.shape}):"
                                   f"\n{prog.source()}\n  -> {d}")
                break
            explained[entry.name] += 1
    with capsys.disabled():
        print(f"fuzz: {sum(explained.values())} known disagreements {dict(explained)}; "
              f"not run (memory-unsafe today): {dict(not_run)}")
    assert not unexplained, (
        f"{len(unexplained)} of {cases} programs (seed {seed}) disagree with torch in a way "
        f"tests/fuzz/known.py does not explain:\n\n" + "\n\n".join(unexplained[:10]))


@pytest.mark.parametrize("entry", known.NUMTENSOR_BUGS, ids=lambda e: e.name)
def test_known_bugs_still_fail(entry):
    """Each listed bug's reproducer still disagrees with torch; when one agrees, the bug is
    fixed: delete its entry from known.NUMTENSOR_BUGS."""
    source = entry.reproducer.replace("; ", "\n")
    last = source.rstrip().split("\n")
    body = "\n".join(last[:-1] + [f"out = {last[-1]}"])
    t_ns, t_err = compare.execute(compare.torch, body)
    n_ns, n_err = compare.execute(compare.nt, body)
    same_error = (t_err is None) == (n_err is None) and (t_err is None or type(t_err) is type(n_err))
    same_result = same_error and t_err is None and not compare.differences(
        compare._plain(t_ns.get("out")), compare._plain(n_ns.get("out")), "result") and not (
        "x" in t_ns and compare.differences(compare._plain(t_ns["x"]), compare._plain(n_ns["x"]), "input"))
    same_failure = same_error and t_err is not None and not (
        "x" in t_ns and compare.differences(compare._plain(t_ns["x"]), compare._plain(n_ns["x"]), "input"))
    assert not (same_result or same_failure), (
        f"{entry.name} is fixed: its reproducer agrees with torch. Delete the entry.")


def test_programs_are_reproducible():
    a, b = program(1, 7), program(1, 7)
    assert a.source() == b.source() and program(1, 8).source() != a.source()
