"""numtensor against NumPy and PyTorch, side by side in one run.

    python benchmarks/bench.py            # every area
    python benchmarks/bench.py core       # one area (module in benchmarks/cases)

Also reports the import time and the cold (compile) and warm (disk cache) time of a
first kernel call, each measured in a fresh subprocess.
"""
import importlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import run_cases  # noqa: E402

AREAS = ["core", "autograd", "indexing", "linalg"]

_PROBE = r"""
import time
t0 = time.perf_counter()
import numtensor as torch
t1 = time.perf_counter()
import sys
compiled_at_import = 'numba' in sys.modules
a = torch.ones(100000); b = torch.ones(100000)
t2 = time.perf_counter()
(a + b).sum()
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t3 - t2:.3f} {int(compiled_at_import)}")
"""


def compile_times():
    import tempfile
    env = dict(os.environ)
    cold_dir = tempfile.mkdtemp(prefix="numtensor-cold-")
    env["NUMTENSOR_CACHE_DIR"] = cold_dir
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    res = []
    for label in ("cold (empty kernel cache)", "warm (kernels cached on disk)"):
        out = subprocess.run([sys.executable, "-c", _PROBE], env=env, cwd=root,
                             capture_output=True, text=True, check=True).stdout.split()
        res.append((label, float(out[0]), float(out[1]), out[2] == "1"))
    return res


def main(areas):
    print("== import and compile ==")
    for label, imp, first, numba_loaded in compile_times():
        print(f"{label:32s} import {imp * 1e3:6.0f} ms (numba imported: {numba_loaded}), "
              f"first add+sum of 1e5: {first * 1e3:7.0f} ms")
    for area in areas:
        try:
            mod = importlib.import_module(f"cases.{area}")
        except ImportError:
            continue
        print(f"\n== {area} ==")
        rows = run_cases(mod.CASES)
        if hasattr(mod, "report"):  # optional extra figures (e.g. GFLOP/s)
            mod.report(rows)


if __name__ == "__main__":
    main(sys.argv[1:] or AREAS)
