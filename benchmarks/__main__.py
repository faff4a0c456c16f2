"""python -m benchmarks: see benchmarks/cli.py."""
import sys

from .cli import main

sys.exit(main())
