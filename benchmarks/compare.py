"""python -m benchmarks compare A.json B.json: each figure's change from A to B.

A figure's change is B's time over A's (A's rate over B's for GB/s and GFLOP/s), so
above 1 is always worse.  numtensor's figures whose change is above 1 + threshold are
flagged as regressions and make the exit code 1.  NumPy's, PyTorch's and the machine's
figures are printed for reference, not flagged: when they moved too, the machine
changed speed between the runs, not numtensor (--all flags them as well).
"""
import json
import sys

THRESHOLD = 0.10


def load(path):
    with open(path) as f:
        return json.load(f)


def change(fig_a, fig_b):
    if fig_a["better"] == "lower":
        return fig_b["value"] / fig_a["value"]
    return fig_a["value"] / fig_b["value"]


def compare(a, b, threshold=THRESHOLD, flag_all=False, out=print):
    """Prints the comparison; returns the number of regressions flagged."""
    fa, fb = a["figures"], b["figures"]
    if a.get("machine_line") != b.get("machine_line"):
        out("note: the two runs differ in machine or versions:")
        out(f"  A: {a.get('machine_line')}")
        out(f"  B: {b.get('machine_line')}")
    if a["settings"].get("device") != b["settings"].get("device"):
        out(f"note: A ran on {a['settings'].get('device')}, B on {b['settings'].get('device')}")
    common = [k for k in fa if k in fb]
    width = max((len(k) for k in common), default=10)
    out(f"{'figure':{width}s} {'A':>11s} {'B':>11s} {'unit':7s} {'B vs A':>7s}")
    flagged, reference_moved = [], 0
    for key in common:
        c = change(fa[key], fb[key])
        judged = flag_all or fa[key].get("library") == "numtensor"
        worse = c > 1 + threshold
        mark = ""
        if worse and judged:
            flagged.append(key)
            mark = "  REGRESSION"
        elif worse:
            reference_moved += 1
            mark = "  (reference)"
        out(f"{key:{width}s} {fa[key]['value']:>11.4g} {fb[key]['value']:>11.4g} "
            f"{fa[key]['unit']:7s} {c:>6.2f}x{mark}")
    for key in fa:
        if key not in fb:
            out(f"only in A: {key}")
    for key in fb:
        if key not in fa:
            out(f"only in B: {key}")
    if reference_moved:
        out(f"{reference_moved} reference figure(s) also moved by more than {threshold:.0%}: "
            "the machine may have changed speed between the runs.")
    if flagged:
        out(f"{len(flagged)} regression(s) over {threshold:.0%}:")
        for key in flagged:
            out(f"  {key}: {change(fa[key], fb[key]):.2f}x")
    else:
        out(f"no regression over {threshold:.0%} in {len(common)} figures")
    return len(flagged)


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="python -m benchmarks compare",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("a", help="the baseline results.json")
    parser.add_argument("b", help="the results.json to check")
    parser.add_argument("--threshold", type=float, default=THRESHOLD,
                        help="flag a change above 1 + this (default 0.10)")
    parser.add_argument("--all", action="store_true", dest="flag_all",
                        help="flag NumPy's, PyTorch's and the machine's figures too")
    args = parser.parse_args(argv)
    flagged = compare(load(args.a), load(args.b), args.threshold, args.flag_all)
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
