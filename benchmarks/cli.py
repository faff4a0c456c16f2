"""The command line: `python -m benchmarks [options]` and `python -m benchmarks compare`.

The thread count goes into the environment before NumPy, Numba or PyTorch is imported
(their pools read it at start-up), so everything heavy is imported inside main().
"""
import argparse
import json
import os
import sys

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report")
_THREAD_VARIABLES = ["NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                     "MKL_NUM_THREADS"]


def parser():
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time numtensor, NumPy and PyTorch side by side and write DIR/report.md, "
                    "DIR/results.json and plots.  `python -m benchmarks compare A.json B.json` "
                    "checks a change for regressions.")
    p.add_argument("--quick", action="store_true",
                   help="a small subset of sizes and few samples (about a minute)")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                   help="cuda: numtensor and PyTorch on the GPU (the CPU when there is none)")
    p.add_argument("--only", metavar="PATTERN", action="append", default=[],
                   help="run only the cases whose group is PATTERN or whose 'group/name' "
                        "contains it (or matches it, as a glob with * or ?); repeat the "
                        "option for more (case names contain commas, so it is not split)")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                   help="where report.md, results.json and the plots go "
                        "(default benchmarks/report)")
    p.add_argument("--threads", metavar="N", type=int,
                   help="threads for numtensor (Numba), PyTorch and the BLAS "
                        "(default: as the environment says, usually every core)")
    return p


def _set_threads(n):
    for name in _THREAD_VARIABLES:
        os.environ[name] = str(n)


def _apply_threads(n):
    """For libraries already imported (torch reads its variable only at start-up)."""
    import numba
    numba.set_num_threads(n)
    try:
        import torch
        torch.set_num_threads(n)
    except ImportError:
        pass


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "compare":
        from .compare import main as compare_main
        return compare_main(argv[1:])
    args = parser().parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            parser().error("--threads must be at least 1")
        _set_threads(args.threads)
    only = [p.strip() for p in args.only if p.strip()]

    if args.threads is not None:
        _apply_threads(args.threads)
    from . import registry
    if only and not registry.select(registry.load_groups(), args.quick, only):
        parser().error("no case matches --only " + " --only ".join(only)
                       + (" in the --quick subset" if args.quick else ""))
    from .plots import write_plots
    from .report import text_summary, write_report
    from .runner import run

    results = run(quick=args.quick, device=args.device, only=only, threads=args.threads)
    os.makedirs(args.out, exist_ok=True)
    plot_files, note = write_plots(results, args.out)
    write_report(results, args.out, plot_files, note)
    files = ["report.md", "results.json"] + [f for fs in plot_files.values() for f in fs]
    results["files"] = files
    results["plots_note"] = note
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(text_summary(results))
    print(f"\nreport: {os.path.join(args.out, 'report.md')}")
    return 0
