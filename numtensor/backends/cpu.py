"""torch.backends.cpu: the CPU's vector capability, as PyTorch reports it."""


def get_cpu_capability():
    """'AVX512', 'AVX2' or 'DEFAULT' from the CPU flags the kernel reports (Linux)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return "DEFAULT"
    if "avx512f" in flags:
        return "AVX512"
    if "avx2" in flags:
        return "AVX2"
    return "DEFAULT"
