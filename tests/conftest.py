"""Test-suite policy, enforced for every run (CI and local):

* PyTorch is the oracle of most tests: without it the run fails at once, instead of
  skipping whole modules and passing on what is left.
* Every skipped test must be listed in tests/known_skips.txt, with its reason; a skip
  that is not listed fails the run, so skips cannot grow silently.
* --fuzz-cases N sets the size of the differential fuzz run (tests/fuzz/).
"""
import os
import re

import pytest

KNOWN_SKIPS_FILE = os.path.join(os.path.dirname(__file__), "known_skips.txt")


def pytest_addoption(parser):
    parser.addoption("--fuzz-cases", type=int, default=None,
                     help="number of random programs the differential fuzz test runs "
                          "(default 1000; a nightly run uses 20000)")
    parser.addoption("--fuzz-seed", type=int, default=None,
                     help="seed of the fuzz run (default: derived from the commit hash)")


def pytest_configure(config):
    try:
        import torch  # noqa: F401
    except ImportError as e:
        raise pytest.UsageError(
            f"PyTorch is required by the tests (it is the oracle) and cannot be imported: {e}. "
            f"Install it: pip install torch==2.13.0") from e
    config._known_skips = load_known_skips()
    config._skipped = []


def load_known_skips():
    """Lines `<test id, * as wildcard> | <reason>`; blank lines and # comments ignored."""
    entries = []
    with open(KNOWN_SKIPS_FILE) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            pattern, sep, reason = line.partition("|")
            if not sep or not reason.strip():
                raise pytest.UsageError(f"{KNOWN_SKIPS_FILE}:{n}: every known skip needs "
                                        f"'<test id> | <reason>'")
            entries.append(pattern.strip())
    return entries


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        config = _config[0]
        config._skipped.append(report.nodeid)


_config = []


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    _config.append(session.config)


def pytest_collection_modifyitems(session, config, items):
    """The fuzz run, then the notebooks, go last: by then the other tests have compiled
    (or loaded) the kernels they need, so their time is their own."""
    def late(item):
        nodeid = item.nodeid.replace(os.sep, "/")
        return ("tests/test_notebooks.py" in nodeid, "tests/fuzz/" in nodeid)
    items.sort(key=late)


def _matcher(pattern):
    """A test id where only * is a wildcard (test ids are full of [ and ])."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z")


def unknown_skips(skipped, patterns):
    matchers = [_matcher(p) for p in patterns]
    return [nodeid for nodeid in skipped if not any(m.match(nodeid) for m in matchers)]


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    unknown = unknown_skips(config._skipped, config._known_skips)
    if unknown:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"{len(unknown)} skipped test(s) are not in tests/known_skips.txt "
                 f"(fix them, or list them there with a reason):"] + unknown
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
