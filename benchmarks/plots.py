"""The report's PNG plots, drawn with matplotlib (the optional `bench` extra).

write_plots(results, out_dir) returns ({section: [file names]}, note): the report embeds
each section's files under its heading; without matplotlib there are no files and the
note says so.  Every plot shows one colour per library, the same in all of them.
"""
import math
import os

COLOURS = {"numtensor": "#1f77b4", "numpy": "#ff7f0e", "torch": "#2ca02c"}
LIB_ORDER = ["numtensor", "numpy", "torch"]
DPI = 100


def _libs(cases):
    present = {lib for c in cases for lib in c["libs"]}
    return [lib for lib in LIB_ORDER if lib in present] + sorted(present - set(LIB_ORDER))


def _series(cases):
    """{series: [cases sorted by size]} in first-seen order, for cases that have figures."""
    out = {}
    for c in cases:
        if c.get("series") and c["libs"]:
            out.setdefault(c["series"], []).append(c)
    return {s: sorted(cs, key=lambda c: c["size"]) for s, cs in out.items()}


def _grid(plt, count, width=5.2, height=3.6):
    cols = min(2, count)
    rows = math.ceil(count / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax in flat[count:]:
        ax.set_visible(False)
    return fig, flat[:count]


def _save(fig, out_dir, name):
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, name), dpi=DPI)
    return name


def size_plot(plt, group, cases, out_dir):
    """Time against size, log-log, one panel per series, one line per library."""
    series = _series(cases)
    if not series:
        return None
    fig, axes = _grid(plt, len(series))
    for ax, (name, points) in zip(axes, series.items()):
        for lib in _libs(points):
            pts = [c for c in points if lib in c["libs"]]
            xs = [c["size"] for c in pts]
            ax.plot(xs, [c["libs"][lib]["median"] for c in pts], "o-", color=COLOURS.get(lib),
                    label=lib, markersize=4)
            ax.fill_between(xs, [c["libs"][lib]["min"] for c in pts],
                            [c["libs"][lib]["max"] for c in pts], color=COLOURS.get(lib),
                            alpha=0.2, linewidth=0)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.minorticks_off()  # log axes' minor ticks cost most of the drawing time
        ax.set_title(name, fontsize=10)
        ax.set_xlabel(group["xlabel"])
        ax.set_ylabel("seconds per call")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(group["title"])
    return _save(fig, out_dir, f"{group['name']}.png")


def gflops_plot(plt, cases, peaks, out_dir):
    """Matmul GFLOP/s against n, one panel per series, the dtype's peak dashed."""
    series = _series([c for c in cases if c.get("flops")])
    if not series:
        return None
    fig, axes = _grid(plt, len(series))
    for ax, (name, points) in zip(axes, series.items()):
        for lib in _libs(points):
            pts = [c for c in points if lib in c["libs"]]
            ax.plot([c["size"] for c in pts], [c["libs"][lib]["GFLOPs"] for c in pts], "o-",
                    color=COLOURS.get(lib), label=lib, markersize=4)
        peak = peaks.get(points[0].get("dtype"))
        if peak:
            ax.axhline(peak["GFLOPs"], color="grey", linestyle="--", linewidth=1,
                       label=f"best this run ({peak['GFLOPs']:.0f})")
        ax.set_xscale("log", base=2)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("n")
        ax.set_ylabel("GOP/s" if "int" in name else "GFLOP/s")
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Matrix products: GFLOP/s against size")
    return _save(fig, out_dir, "matmul_gflops.png")


def _grouped_bars(plt, labels, libs, value, title, xlabel, log=True, lines=()):
    """Horizontal bars, a group of bars (one per library) per label.

    value(i, lib) -> (value, low, high) or None; lines: (x, text) vertical references."""
    height = 0.8 / max(1, len(libs))
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.42 * len(labels) * max(1, len(libs)) ** 0.5))
    for j, lib in enumerate(libs):
        ys, xs, lo, hi = [], [], [], []
        for i in range(len(labels)):
            v = value(i, lib)
            if v:
                ys.append(i + (j - (len(libs) - 1) / 2) * height)
                xs.append(v[0])
                lo.append(v[0] - v[1])
                hi.append(v[2] - v[0])
        ax.barh(ys, xs, height=height, color=COLOURS.get(lib), label=lib,
                xerr=[lo, hi] if any(lo) or any(hi) else None, error_kw={"elinewidth": 0.8})
    for x, text in lines:
        ax.axvline(x, color="grey", linestyle="--", linewidth=1, label=text)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([lab if len(lab) <= 48 else lab[:45] + "..." for lab in labels],
                       fontsize=8)
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
        ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return fig


def bar_plot(plt, group, cases, out_dir):
    """Median time per case and library (min-max as error bars)."""
    cases = [c for c in cases if c["libs"]]
    if not cases:
        return None
    libs = _libs(cases)

    def value(i, lib):
        m = cases[i]["libs"].get(lib)
        return (m["median"], m["min"], m["max"]) if m else None
    fig = _grouped_bars(plt, [c["name"] for c in cases], libs, value, group["title"],
                        "seconds (log scale)")
    return _save(fig, out_dir, f"{group['name']}.png")


def roofline_cases(cases):
    """Cases with a memory-traffic count: fixed-size ones, and each series' largest size."""
    largest = {}
    for c in cases:
        if c.get("bytes") and c["libs"] and c.get("series"):
            key = (c["group"], c["series"])
            if key not in largest or c["size"] > largest[key]["size"]:
                largest[key] = c
    return [c for c in cases if c.get("bytes") and c["libs"]
            and (not c.get("series") or largest.get((c["group"], c["series"])) is c)]


def roofline_plot(plt, cases, bandwidth, out_dir):
    """Achieved GB/s of each bandwidth-bound case against the measured triad."""
    chosen = roofline_cases(cases)
    if not chosen or not bandwidth:
        return None
    libs = _libs(chosen)

    def value(i, lib):
        m = chosen[i]["libs"].get(lib)
        return (m["GBps"], m["GBps"], m["GBps"]) if m else None
    fig = _grouped_bars(plt, [c["name"] for c in chosen], libs, value,
                        "Achieved memory bandwidth against the measured limit", "GB/s",
                        log=False,
                        lines=[(bandwidth["GBps"], f"triad {bandwidth['GBps']:.1f} GB/s")])
    return _save(fig, out_dir, "roofline.png")


def write_plots(results, out_dir):
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        return {}, ("Plots skipped: matplotlib is not installed "
                    "(`pip install -e \".[bench]\"` adds it).")
    files = {}
    cases = results["cases"]
    for group in results["groups"]:
        mine = [c for c in cases if c["group"] == group["name"]]
        drawn = []
        if group["plot"] == "size":
            drawn.append(size_plot(plt, group, mine, out_dir))
        elif group["plot"] == "bars":
            drawn.append(bar_plot(plt, group, mine, out_dir))
        if any(c.get("flops") and c.get("series") for c in mine):
            drawn.append(gflops_plot(plt, mine, results.get("peaks", {}), out_dir))
        files[group["name"]] = [f for f in drawn if f]
        plt.close("all")
    roof = roofline_plot(plt, cases, results.get("bandwidth"), out_dir)
    files["roofline"] = [roof] if roof else []
    plt.close("all")
    return files, None
