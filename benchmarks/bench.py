"""The old entry point, kept as an alias of `python -m benchmarks`.

    python benchmarks/bench.py                 # every group, full mode
    python benchmarks/bench.py core linalg     # only these groups (--only core --only linalg)

Other options pass through: python benchmarks/bench.py --quick --out /tmp/report
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import cli  # noqa: E402


def _translate(argv):
    """Bare group names, the old usage, become --only patterns; options pass through."""
    parser = cli.parser()
    parser.add_argument("groups", nargs="*", help="group names, as --only")
    args, _ = parser.parse_known_args(argv)
    if not args.groups:
        return argv
    rest = [a for a in argv if a not in args.groups]
    return rest + [arg for group in args.groups for arg in ("--only", group)]


if __name__ == "__main__":
    sys.exit(cli.main(_translate(sys.argv[1:])))
