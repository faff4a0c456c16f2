"""Write kernel source into real .py files and import them, so Numba can cache them.

Numba caches module-level functions only (a closure over another jitted function is
never found again, and exec() code is not cacheable), so each kernel family is
rendered from a template into a file named after the template and op, in a cache
directory, then imported.  Nothing is rendered or compiled until first use.

The cache directory holds code that this process imports, so it must be safe: it
must belong to the current user and must not be writable by group or others,
otherwise anyone who can write there could plant code.  Where it comes from:

  1. $NUMTENSOR_CACHE_DIR, else $XDG_CACHE_HOME/numtensor, else ~/.cache/numtensor;
  2. if that is unusable or unsafe: a private per-user directory in the temp dir,
     numtensor-<uid>, mode 0700 (refused if someone else made it first);
  3. if that fails too: a fresh private directory for this process only (so
     nothing is cached across runs), removed at exit.
Falling back warns once.

Numba's own disk cache (`cache=True` on the kernel modules inside the installed
package) is sent to <cache dir>/numba as well, unless the user set NUMBA_CACHE_DIR:
a read-only install (site-packages owned by root) has no writable __pycache__, and
Numba then refuses to compile ("cannot cache function ...: no locator available").
"""
import atexit
import hashlib
import importlib.util
import os
import shutil
import stat
import sys
import tempfile
import warnings

_modules = {}
_resolved = []  # [base directory] once chosen: the choice (and its warning) is made once


def _is_private(path, *, exact_mode=False):
    """True if path is a real directory owned by us that group/others cannot write
    (with exact_mode: that they cannot enter at all, mode 0700)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if exact_mode:  # a link in a shared temp dir may point anywhere
                return False
            st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        return False
    forbidden = 0o077 if exact_mode else 0o022
    return st.st_mode & forbidden == 0


def _writable(path):
    try:
        tempfile.TemporaryFile(dir=path).close()
        return True
    except OSError:
        return False


def _configured_base():
    """The directory the user asked for (or the per-user default); None if HOME is unusable."""
    base = os.environ.get("NUMTENSOR_CACHE_DIR")
    if base:
        return os.path.abspath(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return os.path.join(xdg, "numtensor")
    home = os.path.expanduser("~")
    if home == "~" or not os.path.isabs(home):
        return None
    return os.path.join(home, ".cache", "numtensor")


def _usable(base):
    """Create base (private when new) and check it is ours, not writable by others, writable by us."""
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
    except OSError:
        return False
    return _is_private(base) and _writable(base)


def _per_user_dir():
    """<tmp>/numtensor-<uid>, 0700; None if it cannot be made ours and private."""
    path = os.path.join(tempfile.gettempdir(), f"numtensor-{os.geteuid()}")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    return path if _is_private(path, exact_mode=True) and _writable(path) else None


def _process_dir():
    path = tempfile.mkdtemp(prefix="numtensor-")  # mode 0700, a fresh random name
    atexit.register(shutil.rmtree, path, True)
    return path


def cache_base():
    """The safe base directory for generated kernels and Numba's cache (chosen once)."""
    if _resolved:
        return _resolved[0]
    wanted = _configured_base()
    if wanted is not None and _usable(wanted):
        _resolved.append(wanted)
        return wanted
    why = ("HOME is not usable" if wanted is None else
           f"{wanted} cannot be used as a kernel cache: it must be a directory owned by the "
           f"current user, not writable by group or others, and writable by us")
    fallback = _per_user_dir()
    if fallback is not None:
        where = f"using the private directory {fallback} instead"
    else:
        fallback = _process_dir()
        where = "compiled kernels are not cached across runs (set NUMTENSOR_CACHE_DIR)"
    warnings.warn(f"numtensor: {why}; {where}", RuntimeWarning, stacklevel=3)
    _resolved.append(fallback)
    return fallback


def cache_dir():
    """Directory holding the generated kernel modules."""
    path = os.path.join(cache_base(), "kernels")
    os.makedirs(path, mode=0o700, exist_ok=True)
    if not _is_private(path):
        raise RuntimeError(f"numtensor: refusing to import kernels from {path}: it is not a "
                           f"directory owned by the current user and private to it")
    return path


def configure_numba_cache():
    """Send Numba's disk cache to <cache base>/numba unless the user chose NUMBA_CACHE_DIR.

    Numba reads NUMBA_CACHE_DIR when it is imported; if it already is, its config
    attribute is set too (Numba reads that when each cached function is defined)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    path = os.path.join(cache_base(), "numba")
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = path
    config = sys.modules.get("numba.core.config")
    if config is not None:
        config.CACHE_DIR = path


def load(name, source):
    """Import `source` as a module named after `name` and its text (cached in memory)."""
    mod = _modules.get(name)
    if mod is not None:
        return mod
    configure_numba_cache()
    digest = hashlib.sha1(source.encode()).hexdigest()[:12]
    modname = f"numtensor_kernel_{name}_{digest}"
    path = os.path.join(cache_dir(), modname + ".py")
    if not _holds(path, source):
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(source)
        os.replace(tmp, path)  # atomic: parallel processes never see half a file
    spec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    _modules[name] = mod
    return mod


def _holds(path, source):
    """True if path already holds exactly source (a truncated or altered file is rewritten)."""
    try:
        with open(path) as f:
            return f.read() == source
    except OSError:
        return False
