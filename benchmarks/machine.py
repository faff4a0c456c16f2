"""The machine line: CPU, cores, SIMD flags, GPU, library versions, threads."""
import os
import platform
import sys

# the SIMD extensions that decide how fast a vectorised loop can be
SIMD_FLAGS = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq", "avx512bw",
              "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16",
              "amx_int8", "asimd", "asimdhp", "sve", "sve2"]


def _cpuinfo():
    try:
        with open("/proc/cpuinfo") as f:
            return f.read()
    except OSError:
        return ""


def cpu_model(text):
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "Hardware", "cpu model"):
            return value.strip()
    return platform.processor() or platform.machine()


def simd_flags(text):
    present = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            present.update(value.split())
    return [f for f in SIMD_FLAGS if f in present]


def physical_cores(text):
    """Distinct (package, core) pairs, or None where /proc/cpuinfo does not say."""
    cores, package = set(), None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "physical id":
            package = value.strip()
        elif key == "core id":
            cores.add((package, value.strip()))
    return len(cores) or None


def _version(name):
    try:
        mod = __import__(name)
    except ImportError:
        return "not installed"
    return getattr(mod, "__version__", "?")


def gpu_name():
    """The first GPU's name, or None (a CUDA simulator is named as such)."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return "Numba CUDA simulator (no GPU)"
    try:
        import torch
        if torch.cuda.is_available():
            return torch.cuda.get_device_name(0)
    except ImportError:
        pass
    try:
        import numtensor
        if numtensor.cuda.is_available():
            return numtensor.cuda.get_device_name(0)
    except Exception:  # a broken driver is "no GPU" for this report
        pass
    return None


def gpu_bandwidth():
    """The first GPU's theoretical memory bandwidth, {GBps, how}, or None: memory clock
    (kHz) x bus width (bits) x 2 (double data rate), as the driver reports them."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return None
    try:
        from numba import cuda
        dev = cuda.get_current_device()
        clock_khz, bus_bits = dev.MEMORY_CLOCK_RATE, dev.GLOBAL_MEMORY_BUS_WIDTH
    except Exception:  # no driver, or attributes this driver does not report
        return None
    return {"GBps": 2.0 * clock_khz * 1e3 * bus_bits / 8 / 1e9,
            "how": f"{clock_khz / 1e3:.0f} MHz x {bus_bits} bits x 2 (the driver's figures)"}


def threads_used():
    out = {}
    import numba
    out["numba"] = numba.get_num_threads()
    try:
        import torch
        out["torch"] = torch.get_num_threads()
    except ImportError:
        pass
    try:  # the BLAS libraries loaded (NumPy's, SciPy's for numtensor's matmul)
        import threadpoolctl
        blas = sorted({f"{i['internal_api']} {i['num_threads']}"
                       for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"})
        if blas:
            out["BLAS"] = " / ".join(blas)
    except ImportError:
        pass
    return out


def machine_info():
    text = _cpuinfo()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu_model(text),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "physical_cores": physical_cores(text),
        "simd": simd_flags(text),
        "gpu": gpu_name(),
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "versions": {name: _version(name) for name in
                     ("numtensor", "numba", "llvmlite", "numpy", "torch")},
        "threads": threads_used(),
        "executable": sys.executable,
    }


def machine_line(info):
    cores = f"{info['logical_cpus']} logical CPUs ({info['usable_cpus']} usable"
    if info.get("physical_cores"):
        cores += f", {info['physical_cores']} physical cores"
    cores += ")"
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    threads = ", ".join(f"{k} {v}" for k, v in info["threads"].items())
    return (f"{info['cpu']}; {cores}; SIMD {' '.join(info['simd']) or 'none found'}; "
            f"GPU {info['gpu'] or 'none'}; {versions}; Python {info['python']}; "
            f"threads used: {threads}")
