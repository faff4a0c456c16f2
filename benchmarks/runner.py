"""One run: measure the limits, time every chosen case, and collect the results as a
plain dict (the JSON file is exactly this dict)."""
import dataclasses
import datetime
import time

from . import registry, roofline
from .case import Skip
from .harness import QUICK, FULL, Measurement, time_libraries
from .machine import gpu_bandwidth, gpu_name, machine_info, machine_line
from .progress import Progress

SCHEMA = 1


def resolve_device(requested):
    """(device to run on, a one-line note or None)."""
    if requested == "cpu":
        return "cpu", None
    name = gpu_name()
    if name is None or "simulator" in name:
        return "cpu", ("CUDA requested, but this machine has no GPU (torch.cuda and "
                       "numtensor.cuda see none): no CUDA rows; the rows below ran on the CPU.")
    return "cuda", f"CUDA rows on {name}: numtensor and PyTorch on device 'cuda' (NumPy has none)."


def _case_record(case):
    return {"group": case.group, "name": case.name, "limit": case.limit, "series": case.series,
            "size": case.size, "bytes": case.bytes, "flops": case.flops, "dtype": case.dtype,
            "libs": {}, "skipped": {}, "skip": None}


def _run_case(case, device, timing, progress):
    record = _case_record(case)
    try:
        reason = case.needs() if case.needs else None
        if reason is None and device != "cpu" and case.cpu_only:
            reason = "measured on the CPU only"
        if reason is None and device == "cpu" and case.gpu_only:
            reason = "a GPU case: run with --device cuda on a machine with an NVIDIA GPU"
        if reason:
            record["skip"] = reason
            return record
        if case.measure:
            made = case.measure(timing)
            measured = {lib: Measurement(s) for lib, s in made.items() if not isinstance(s, Skip)}
            failed = {}
        else:
            made = case.make(device)
            fns = {lib: fn for lib, fn in made.items() if callable(fn)}
            measured, failed = time_libraries(fns, timing, on_block=progress.detail)
    except Exception as exc:  # a broken case must not end the run: report it instead
        record["skip"] = f"raised {type(exc).__name__}: {exc}"
        return record
    record["skipped"] = {lib: s.reason for lib, s in made.items() if isinstance(s, Skip)}
    record["skipped"].update(failed)
    for lib, m in measured.items():
        entry = m.as_dict()
        for name, rate in (("GBps", roofline.gbps(record, m.median)),
                           ("GFLOPs", roofline.gflops(record, m.median))):
            if rate is not None:
                entry[name] = rate
        record["libs"][lib] = entry
    return record


def figures(results):
    """{key: {value, unit, better, library}}: every figure, flat, for compare."""
    out = {}
    bw = results.get("bandwidth")
    if bw:
        out["machine/triad bandwidth"] = {"value": bw["GBps"], "unit": "GB/s",
                                          "better": "higher", "library": "machine"}
    for dtype, peak in results.get("peaks", {}).items():
        unit = "GOP/s" if "int" in dtype else "GFLOP/s"
        out[f"machine/matmul peak {dtype}"] = {"value": peak["GFLOPs"], "unit": unit,
                                               "better": "higher", "library": "machine"}
    for case in results["cases"]:
        for lib, m in case["libs"].items():
            out[f"{case['group']}/{case['name']}/{lib}"] = {
                "value": m["median"], "unit": "s", "better": "lower", "library": lib}
    return out


def run(quick=False, device="cpu", only=None, threads=None):
    timing = QUICK if quick else FULL
    started = time.perf_counter()
    device, device_note = resolve_device(device)
    groups = registry.load_groups()
    cases = registry.select(groups, quick, only)
    progress = Progress([3.0] + [c.weight for c in cases])

    progress.start("memory bandwidth (STREAM-like triad)")
    elements = roofline.QUICK_TRIAD_ELEMENTS if quick else roofline.TRIAD_ELEMENTS
    bandwidth = roofline.measure_triad(timing, elements)

    records = []
    for case in cases:
        progress.start(f"{case.group}: {case.name}")
        records.append(_run_case(case, device, timing, progress))
    progress.finish()

    info = machine_info()
    results = {
        "schema": SCHEMA,
        "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "settings": {"quick": quick, "device": device, "device_note": device_note,
                     "only": list(only or []), "threads": threads,
                     "timing": dataclasses.asdict(timing)},
        "machine": info,
        "machine_line": machine_line(info),
        "bandwidth": bandwidth,
        "groups": [{"name": g.name, "title": g.title, "plot": g.plot, "xlabel": g.xlabel}
                   for g in groups
                   if any(c.group == g.name for c in cases)],
        "cases": records,
    }
    if device == "cuda":
        results["device_bandwidth"] = gpu_bandwidth()
    results["peaks"] = roofline.matmul_peaks(records)
    results["figures"] = figures(results)
    results["elapsed_s"] = time.perf_counter() - started
    return results
