"""The kernel cache is safe and works without a writable HOME or a writable install.

Each case runs numtensor in a fresh subprocess, because the cache directory and
Numba's cache directory are chosen once per process, on first kernel use.

The read-only install case copies the package into a temporary directory, makes it
read-only, and runs it as the unprivileged user `nobody` (root ignores file modes,
so only a non-root process sees what a user of a root-owned site-packages sees): the
test process is root in CI, and its child drops to nobody with os.setuid.  When the
tests themselves run as a non-root user, the child runs as that user on the read-only
copy, which is the same situation.
"""
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Uses a generated kernel (add), two static cache=True modules (random, matmul) and
# reports where the caches went.
PROGRAM = textwrap.dedent("""
    import os, sys, warnings
    warnings.simplefilter("always")
    import numtensor as torch
    assert "numba" not in sys.modules, "import numtensor imported numba"
    torch.manual_seed(0)
    x = torch.randn(3, 4)
    y = (x + 1) @ torch.ones(4, 2)
    assert y.shape == (3, 2)
    from numtensor._backends.cpu import codegen
    print("BASE=" + codegen.cache_base())
    print("NUMBA=" + os.environ.get("NUMBA_CACHE_DIR", ""))
""")


# Root's interpreter may live where `nobody` cannot read (a pyenv under /root), so an
# unprivileged run starts as root, imports the standard-library modules a run needs
# (read from there), then drops to nobody before numtensor is imported.
STDLIB_MODULES = textwrap.dedent("""
    import sys, sysconfig
    stdlib = sysconfig.get_paths()["stdlib"]
    print(" ".join(sorted(name for name, m in list(sys.modules.items())
                          if (getattr(m, "__file__", None) or "").startswith(stdlib))))
""")
DROP_TO_NOBODY = textwrap.dedent("""
    import importlib, os
    for name in {modules!r}:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
""")
_stdlib = []


def _stdlib_modules(cwd):
    if not _stdlib:
        proc = subprocess.run([sys.executable, "-c", PROGRAM + STDLIB_MODULES], cwd=cwd,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        _stdlib.append([n for n in proc.stdout.splitlines()[-1].split() if n != "__main__"])
    return _stdlib[0]


def run(env_changes, cwd, user=None):
    """Run PROGRAM with the environment changed (None removes a variable), as root or
    as nobody; returns its KEY=value lines and its stderr."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMTENSOR_CACHE_DIR", "NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "HOME")}
    env.update({k: v for k, v in env_changes.items() if v is not None})
    code = PROGRAM
    if user == "nobody":
        code = DROP_TO_NOBODY.format(modules=_stdlib_modules(ROOT)) + PROGRAM
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    return lines, proc.stderr


def cache_warnings(stderr):
    return [line for line in stderr.splitlines() if "numtensor:" in line and "Warning" in line]


def test_configured_dir_is_used_for_both_caches(tmp_path):
    cache = tmp_path / "cache"
    out, err = run({"NUMTENSOR_CACHE_DIR": str(cache), "HOME": str(tmp_path)}, ROOT)
    assert out["BASE"] == str(cache)
    assert out["NUMBA"] == str(cache / "numba")
    assert any(n.startswith("numtensor_kernel_") for n in os.listdir(cache / "kernels"))
    assert os.listdir(cache / "numba"), "Numba cached nothing in NUMTENSOR_CACHE_DIR/numba"
    assert not cache_warnings(err)


def test_user_numba_cache_dir_is_respected(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    out, _ = run({"NUMTENSOR_CACHE_DIR": str(tmp_path / "c"), "NUMBA_CACHE_DIR": str(mine)}, ROOT)
    assert out["NUMBA"] == str(mine)


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_group_or_other_writable_dir_is_refused(tmp_path, mode):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, mode)
    out, err = run({"NUMTENSOR_CACHE_DIR": str(shared)}, ROOT)
    assert out["BASE"] != str(shared)
    assert not os.path.exists(shared / "kernels"), "code was written into an unsafe directory"
    assert len(cache_warnings(err)) == 1, err
    assert (os.stat(out["BASE"]).st_mode & 0o077) == 0  # the fallback is private


def test_dir_of_another_user_is_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to create a directory owned by another user")  # known skip
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    os.chown(theirs, 65534, 65534)
    out, err = run({"NUMTENSOR_CACHE_DIR": str(theirs)}, ROOT)
    assert out["BASE"] != str(theirs)
    assert len(cache_warnings(err)) == 1


def _assert_private_fallback(out, err, under, uid):
    base = out["BASE"]
    assert base.startswith(str(under)), base
    st = os.lstat(base)
    assert stat.S_ISDIR(st.st_mode) and st.st_uid == uid
    assert st.st_mode & 0o777 == 0o700
    assert out["NUMBA"] == os.path.join(base, "numba")
    assert len(cache_warnings(err)) == 1, err


def test_home_unusable_falls_back_to_a_private_dir(tmp_path):
    not_a_dir = tmp_path / "home-is-a-file"
    not_a_dir.write_text("")
    out, err = run({"HOME": str(not_a_dir), "TMPDIR": str(tmp_path)}, ROOT)
    _assert_private_fallback(out, err, tmp_path, os.geteuid())


def test_home_unset():
    """Without HOME the account's home directory counts; nobody's (/nonexistent) is
    unusable, so the private fallback is taken."""
    if not _nobody_available():
        out, err = run({"HOME": None}, ROOT)
        assert out["BASE"] == os.path.join(os.path.expanduser("~"), ".cache", "numtensor")
        return
    tmp = tempfile.mkdtemp(prefix="nt-nohome-")
    os.chmod(tmp, 0o1777)
    try:
        out, err = run({"HOME": None, "TMPDIR": tmp}, ROOT, "nobody")
        _assert_private_fallback(out, err, tmp, 65534)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_planted_per_user_dir_is_not_used(tmp_path):
    """Another user made <tmp>/numtensor-<uid> first (here: a world-writable one, and a
    link): numtensor must not import from it, and compiles without a persistent cache."""
    planted = tmp_path / f"numtensor-{os.geteuid()}"
    planted.mkdir()
    os.chmod(planted, 0o777)
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    out, err = run({"HOME": str(home), "TMPDIR": str(tmp_path)}, ROOT)
    assert out["BASE"] != str(planted) and not os.path.exists(planted / "kernels")
    assert "not cached across runs" in err
    shutil.rmtree(planted)
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    os.symlink(target, planted)
    out, err = run({"HOME": str(home), "TMPDIR": str(tmp_path)}, ROOT)
    assert not os.path.exists(target / "kernels")
    assert "not cached across runs" in err


def _nobody_available():
    return os.geteuid() == 0


def _read_only_copy(tmp_path):
    """The package copied into tmp_path/site (like site-packages), read-only for all."""
    site = tmp_path / "site"
    shutil.copytree(os.path.join(ROOT, "numtensor"), site / "numtensor",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for dirpath, dirnames, filenames in os.walk(site):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o444)
        os.chmod(dirpath, 0o555)
    os.chmod(tmp_path, 0o755)
    return site


def test_read_only_install():
    # not pytest's tmp_path: its parents are private to root, and nobody must reach it
    tmp_path = pathlib.Path(tempfile.mkdtemp(prefix="nt-readonly-"))
    site = _read_only_copy(tmp_path)
    user = "nobody" if _nobody_available() else None
    cache = tmp_path / "user-cache"
    cache.mkdir()
    if user:
        os.chown(cache, 65534, 65534)
    try:
        # the user gives NUMTENSOR_CACHE_DIR: both caches go there
        out, err = run({"NUMTENSOR_CACHE_DIR": str(cache), "HOME": "/nonexistent"}, str(site), user)
        assert out["NUMBA"] == str(cache / "numba")
        assert "no locator available" not in err and not cache_warnings(err)
        assert os.listdir(cache / "numba")
        # nothing set and no HOME: the private fallback, still no Numba failure
        out, err = run({"HOME": "/nonexistent/file", "TMPDIR": str(cache)}, str(site), user)
        assert "no locator available" not in err
        assert len(cache_warnings(err)) == 1
    finally:
        for dirpath, dirnames, _ in os.walk(site):
            os.chmod(dirpath, 0o755)
        shutil.rmtree(tmp_path, ignore_errors=True)
