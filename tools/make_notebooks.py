"""Write notebooks/*.ipynb from the cell lists in tools/notebook_cells.py, execute each
top to bottom in a fresh `python3` kernel, and save it with its outputs.

    python tools/make_notebooks.py            # every notebook
    python tools/make_notebooks.py 05 08      # the notebooks whose names start so

The kernel runs in a scratch directory (the lectures write data files next to
themselves) and imports numtensor from this checkout (PYTHONPATH).  tests/test_notebooks.py
executes the committed notebooks the same way.
"""
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = os.path.join(REPO, "notebooks")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from notebook_cells import NOTEBOOKS as CELLS  # noqa: E402

# a cell whose source starts with this line must raise (the lecture shows the error)
RAISES = "# raises: "


def build(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        source = source.strip("\n")
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source)
            if source.startswith(RAISES):
                cell.metadata["tags"] = ["raises-exception"]
            nb.cells.append(cell)
    return nb


def execute(nb, workdir, timeout=300):
    """Run nb in a fresh python3 kernel with workdir as its current directory."""
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = REPO + (os.pathsep + env_path if env_path else "")
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": workdir}},
                                record_timing=False)
        client.execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
        if not env_path:
            del os.environ["PYTHONPATH"]
    return nb


def main(prefixes):
    for name, cells in CELLS.items():
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        nb = build(cells)
        with tempfile.TemporaryDirectory() as tmp:
            workdir = os.path.join(tmp, "notebooks")
            os.mkdir(workdir)
            execute(nb, workdir)
        for i, cell in enumerate(nb.cells):  # stable ids keep diffs small
            cell["id"] = f"{name[:2]}-{i:02d}"
        nbformat.write(nb, os.path.join(NOTEBOOKS, name + ".ipynb"))
        print("wrote", name)


if __name__ == "__main__":
    main(sys.argv[1:])
