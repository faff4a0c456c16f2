"""The groups, in report order, and choosing the cases a run times."""
import fnmatch
import importlib

from .case import Case

# module names in benchmarks/cases, in the order the report shows them
GROUPS = ["startup", "core", "elementwise", "reductions", "transcendental", "indexing",
          "matmul", "linalg", "conv", "overhead", "autograd", "training", "under_load", "cuda"]


class Group:
    def __init__(self, name, mod):
        self.name = name
        doc = (mod.__doc__ or name).strip().splitlines()[0]
        self.title = getattr(mod, "TITLE", doc)
        self.plot = getattr(mod, "PLOT", None)
        self.xlabel = getattr(mod, "XLABEL", "elements")
        self.cases = [_as_case(name, c) for c in mod.CASES]


def _as_case(group, entry):
    """Case objects as they are; an old-style (name, limit, make) tuple as a CPU case."""
    if isinstance(entry, Case):
        return entry
    name, limit, make = entry
    return Case(group, name, limit=limit, make=lambda device="cpu": make(), cpu_only=True)


def load_groups():
    return [Group(name, importlib.import_module(f"benchmarks.cases.{name}")) for name in GROUPS]


def matches(case, patterns):
    """A pattern selects a group by name, or cases whose 'group/name' contains it
    (or matches it, for a glob with * or ?); case does not matter."""
    if not patterns:
        return True
    key = case.key.lower()
    for pattern in patterns:
        p = pattern.lower()
        if p == case.group.lower() or p in key or fnmatch.fnmatchcase(key, p):
            return True
    return False


def select(groups, quick, patterns):
    """The cases of this run: --quick keeps the quick ones, --only those it matches."""
    return [case for group in groups for case in group.cases
            if (case.quick or not quick) and matches(case, patterns)]
