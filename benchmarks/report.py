"""DIR/report.md: the machine line, the limits, a summary, a table per group, the plots."""
import math
import os

from .case import size_label
from .harness import SPREAD_LIMIT
from .plots import LIB_ORDER

SHORT = {"numtensor": "nt", "numpy": "np", "torch": "torch"}


def _scale(seconds):
    if seconds < 1e-3:
        return 1e6, "us"
    if seconds < 1:
        return 1e3, "ms"
    return 1.0, "s"


def _num(x):
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def time_cell(m):
    """'12.3 us (11.9-14.0)': the median and the min-max of its samples; '~' when noisy."""
    factor, unit = _scale(m["median"])
    noisy = "~" if m["spread"] > SPREAD_LIMIT else ""
    return (f"{noisy}{_num(m['median'] * factor)} {unit} "
            f"({_num(m['min'] * factor)}–{_num(m['max'] * factor)})")


def ratio(case, lib, other):
    a, b = case["libs"].get(lib), case["libs"].get(other)
    return a["median"] / b["median"] if a and b else None


def _ratio_cell(r):
    return f"{r:.2f}x" if r else "–"


def _geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def _libs_in(cases):
    present = {lib for c in cases for lib in c["libs"]}
    return [lib for lib in LIB_ORDER if lib in present]


def _rates(case, libs, field):
    """'12.1 · 15.0 · 14.2': one library's GB/s or GFLOP/s after another."""
    return " · ".join(f"{case['libs'][lib][field]:.1f}" if field in case["libs"].get(lib, {})
                      else "–" for lib in libs)


def group_table(cases, bandwidth, peaks, roof="triad"):
    libs = _libs_in(cases)
    others = [o for o in ("torch", "numpy") if o in libs and "numtensor" in libs]
    with_limit = any(c.get("limit") not in (None, "-") for c in cases)
    with_bytes = any(c.get("bytes") for c in cases) and bandwidth
    with_flops = any(c.get("flops") for c in cases)
    head = ["case"] + (["target"] if with_limit else []) + libs
    head += [f"nt/{SHORT[o]}" for o in others]
    rate_libs = " · ".join(SHORT[lib] for lib in libs)
    if with_bytes:
        head += [f"GB/s ({rate_libs})", f"nt of {roof}"]
    if with_flops:
        head += [f"GFLOP/s ({rate_libs})", "nt of peak"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in cases:
        row = [c["name"]] + ([c.get("limit") or "-"] if with_limit else [])
        for lib in libs:
            m = c["libs"].get(lib)
            row.append(time_cell(m) if m else ("skipped" if lib in c["skipped"] else "–"))
        row += [_ratio_cell(ratio(c, "numtensor", o)) for o in others]
        nt = c["libs"].get("numtensor", {})
        if with_bytes:
            row.append(_rates(c, libs, "GBps"))
            row.append(f"{nt['GBps'] / bandwidth['GBps']:.0%}" if "GBps" in nt else "–")
        if with_flops:
            row.append(_rates(c, libs, "GFLOPs"))
            peak = peaks.get(c.get("dtype"))
            row.append(f"{nt['GFLOPs'] / peak['GFLOPs']:.0%}" if "GFLOPs" in nt and peak else "–")
        lines.append("| " + " | ".join(row) + " |")
    return lines


def summary(results):
    """Per group: geometric-mean ratios and how many cases numtensor is slower in."""
    lines = ["| group | cases timed | nt/torch (geomean) | slower than torch | "
             "nt/numpy (geomean) | slower than numpy |", "|---|---|---|---|---|---|"]
    worst = []
    for group in results["groups"]:
        cases = [c for c in results["cases"] if c["group"] == group["name"] and c["libs"]]
        if not cases:
            continue
        cells = [group["title"], str(len(cases))]
        for other in ("torch", "numpy"):
            rs = [ratio(c, "numtensor", other) for c in cases]
            rs = [r for r in rs if r]
            g = _geomean(rs)
            cells += [_ratio_cell(g), f"{sum(r > 1 for r in rs)} of {len(rs)}" if rs else "–"]
        lines.append("| " + " | ".join(cells) + " |")
        worst += [(ratio(c, "numtensor", "torch"), c) for c in cases
                  if ratio(c, "numtensor", "torch")]
    worst = sorted((w for w in worst if w[0] > 1), key=lambda w: -w[0])[:8]
    if worst:
        lines += ["", "Where numtensor is furthest behind PyTorch:", ""]
        lines += [f"- {c['name']} ({c['group']}): {r:.2f}x PyTorch's time" for r, c in worst]
    return lines


def _skips(results, whole_groups):
    """One line per distinct reason (a missing CUDA backend would otherwise fill a page)."""
    by_reason = {}
    for c in results["cases"]:
        if c["group"] in whole_groups:
            continue
        where = f"{c['group']} / {c['name']}"
        if c.get("skip"):
            by_reason.setdefault(("all libraries", c["skip"]), []).append(where)
        for lib, reason in c.get("skipped", {}).items():
            by_reason.setdefault((lib, reason), []).append(where)
    lines = []
    for (who, reason), cases in by_reason.items():
        listed = "; ".join(cases) if len(cases) <= 3 else \
            f"{len(cases)} cases: {'; '.join(cases[:2])}; ..."
        lines.append(f"- {who}: {reason} ({listed})")
    return lines


def _fmt_seconds(s):
    return f"{int(s // 60)}:{int(round(s % 60)):02d}"


def write_report(results, out_dir, plot_files, plot_note):
    s = results["settings"]
    bw = results.get("bandwidth")
    peaks = results.get("peaks", {})
    timing = s["timing"]
    mode = ("quick mode: a small subset of sizes and few samples, a check rather than a "
            "headline" if s["quick"] else "full mode")
    timed = sum(1 for c in results["cases"] if c["libs"])
    out = ["# numtensor microbenchmarks", "",
           f"**Machine:** {results['machine_line']}", "",
           f"**Run:** {results['created']}, {mode}; device {s['device']}; "
           f"{timed} of {len(results['cases'])} cases timed"
           + (" (" + " ".join(f"--only '{p}'" for p in s["only"]) + ")" if s["only"] else "")
           + f"; {_fmt_seconds(results['elapsed_s'])} in all.", ""]
    if s.get("device_note"):
        out += [s["device_note"], ""]
    if bw:
        out += [f"**Memory bandwidth:** {bw['GBps']:.1f} GB/s, a STREAM-like triad "
                f"(a = b + s*c, float64, {size_label(bw['elements'])} elements, "
                f"{bw['threads']} threads, best of {bw['samples']} samples) measured in this run: "
                "the roof for element-wise ops and reductions, whose time is mostly memory "
                "traffic.", ""]
    dev_bw = results.get("device_bandwidth")
    if dev_bw:
        out += [f"**Device memory bandwidth:** {dev_bw['GBps']:.0f} GB/s, the GPU's theoretical "
                f"peak ({dev_bw['how']}): the roof the CUDA rows are held against.", ""]
    if peaks:
        parts = [f"{dtype} {p['GFLOPs']:.1f} {'GOP/s' if 'int' in dtype else 'GFLOP/s'} "
                 f"({p['library']}, {p['case']})" for dtype, p in sorted(peaks.items())]
        out += ["**Matmul peak:** the best this run reached for each dtype: "
                + "; ".join(parts) + ".", ""]
    if plot_note:
        out += [plot_note, ""]
    out += ["**How to read:** a time is the median seconds per call of a library's block "
            "(warm-ups first, each library in a block of its own), with the min–max of that "
            f"block's samples in brackets; `~` marks a spread still above {SPREAD_LIMIT:.0%} "
            f"after up to {timing['max_repeats']} more pass(es) (none once a case has taken "
            f"{timing['repeat_budget']:.0f} s): treat it as rough. A ratio is "
            "numtensor's time over the other library's: 0.50x means numtensor takes half the "
            "time, 2.00x twice as long. GB/s is the memory an op must move (inputs read once, "
            "result written once) over its time; \"nt of triad\" is numtensor's share of the "
            "measured bandwidth (above 100%: the data fit in cache).", ""]
    out += ["## Summary", ""] + summary(results) + [""]

    whole_groups = set()
    for group in results["groups"]:
        cases = [c for c in results["cases"] if c["group"] == group["name"]]
        out += [f"## {group['title']}", ""]
        reasons = {c.get("skip") for c in cases}
        if len(reasons) == 1 and None not in reasons:
            whole_groups.add(group["name"])
            out += [f"Skipped: {reasons.pop()}.", ""]
            continue
        timed_cases = [c for c in cases if c["libs"]]
        if timed_cases:
            if dev_bw:  # on a GPU the device's bandwidth is the roof, not the host's triad
                out += group_table(timed_cases, dev_bw, peaks, "device bandwidth") + [""]
            else:
                out += group_table(timed_cases, bw, peaks) + [""]
        for f in plot_files.get(group["name"], []):
            out += [f"![{group['title']}]({f})", ""]

    if plot_files.get("roofline"):
        out += ["## Roofline", "",
                "Achieved GB/s of the fixed-size cases and of each series' largest size, "
                "against the triad measured in this run (dashed). Data that fits in the "
                "caches can beat the triad: only sizes well beyond the last-level cache "
                "(1e7 and up, in the full run) are held against the memory's limit.", "",
                f"![roofline]({plot_files['roofline'][0]})", ""]
    skips = _skips(results, whole_groups)
    if skips:
        out += ["## Skipped", ""] + skips + [""]
    path = os.path.join(out_dir, "report.md")
    with open(path, "w") as f:
        f.write("\n".join(out))
    return path


def text_summary(results):
    """A few lines for the terminal."""
    return "\n".join(summary(results))
