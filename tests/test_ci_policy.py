"""The suite's policy (tests/conftest.py) holds: a skip that is not listed in
tests/known_skips.txt fails the run, and a missing PyTorch fails it at once.

Each case runs pytest in a subprocess on a scratch copy of conftest.py."""
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def run_suite(tmp_path, test_source, known_skips="", block_torch=False):
    shutil.copy(os.path.join(HERE, "conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "known_skips.txt").write_text(known_skips)
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(test_source))
    env = dict(os.environ)
    if block_torch:  # a sitecustomize that makes `import torch` fail, as if not installed
        (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['torch'] = None\n")
        env["PYTHONPATH"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


SAMPLE = """
    import pytest

    def test_runs():
        assert True

    @pytest.mark.parametrize("n", [1, 2])
    def test_sometimes_skipped(n):
        if n == 2:
            pytest.skip("not for two")
"""


def test_unlisted_skip_fails_the_run(tmp_path):
    code, out = run_suite(tmp_path, SAMPLE)
    assert code == 1, out
    assert "test_sample.py::test_sometimes_skipped[2]" in out and "known_skips.txt" in out


def test_listed_skip_passes(tmp_path):
    code, out = run_suite(tmp_path, SAMPLE, "test_sample.py::test_sometimes_skipped[2] | two\n")
    assert code == 0, out


def test_listed_skip_needs_a_reason(tmp_path):
    code, out = run_suite(tmp_path, SAMPLE, "test_sample.py::test_sometimes_skipped[2]\n")
    assert code != 0 and "reason" in out


def test_a_pattern_does_not_cover_other_tests(tmp_path):
    code, out = run_suite(tmp_path, SAMPLE, "test_sample.py::test_runs* | not this one\n")
    assert code == 1, out


def test_missing_torch_fails_the_run(tmp_path):
    code, out = run_suite(tmp_path, SAMPLE, "test_sample.py::* | all\n", block_torch=True)
    assert code not in (0, 5), out
    assert "PyTorch is required" in out


def test_no_module_skips_itself_when_torch_is_missing():
    """No test module may import torch through pytest.importorskip (it would vanish)."""
    offenders = []
    for dirpath, _, files in os.walk(HERE):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if name.endswith(".py") and path != os.path.abspath(__file__):
                with open(path) as f:
                    if "importorskip(" in f.read():
                        offenders.append(path)
    assert not offenders, offenders
