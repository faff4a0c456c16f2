"""Write kernel source into real .py files and import them, so Numba can cache them.

Numba caches module-level functions only (a closure over another jitted function is
never found again, and exec() code is not cacheable), so each kernel family is
rendered from a template into a file named after the template and op, in a cache
directory, then imported.  Nothing is rendered or compiled until first use.
"""
import hashlib
import importlib.util
import os
import sys
import tempfile

_modules = {}


def cache_dir():
    base = os.environ.get("NUMTENSOR_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "numtensor")
    path = os.path.join(base, "kernels")
    try:
        os.makedirs(path, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    path = os.path.join(tempfile.gettempdir(), "numtensor-kernels")
    os.makedirs(path, exist_ok=True)
    return path


def load(name, source):
    """Import `source` as a module named after `name` and its text (cached in memory)."""
    mod = _modules.get(name)
    if mod is not None:
        return mod
    digest = hashlib.sha1(source.encode()).hexdigest()[:12]
    modname = f"numtensor_kernel_{name}_{digest}"
    path = os.path.join(cache_dir(), modname + ".py")
    if not os.path.exists(path):
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
