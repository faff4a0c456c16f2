"""Benchmark cases, one module per group.

Each module has TITLE (its report heading), PLOT ("size": time against size, one line
per library, for cases with a series; "bars": a bar chart) and CASES, a list of
case.Case.  An entry may also be an old-style tuple (name, limit, make) with make()
returning {library: callable}; it is read as a CPU case of the module's group.
"""
