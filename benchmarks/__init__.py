"""numtensor's microbenchmark report: numtensor, NumPy and PyTorch side by side.

    python -m benchmarks [--quick] [--device cpu|cuda] [--only PATTERN] [--out DIR] [--threads N]
    python -m benchmarks compare A.json B.json

writes DIR/report.md (tables, plots, roofline), DIR/results.json (every figure) and the
plots as PNG.  Nothing heavy is imported here: the command line sets the thread count in
the environment before NumPy, Numba or PyTorch are loaded.
"""
