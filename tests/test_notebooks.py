"""The notebooks in notebooks/, executed top to bottom as a reader would run them.

Each notebook runs in a fresh `python3` kernel of this interpreter (nbclient), with a
time limit per cell, in a scratch directory (the lectures write data files), importing
numtensor from this checkout.  A cell that raises fails the test, except a cell tagged
`raises-exception` (the lecture shows that error), which must raise the error its first
line names.  The printed outputs the lectures show must appear in the executed outputs,
and in the committed ones (a reader on GitHub sees those): each expected text below is
copied from ../shared/lectures/ and checked to be there, comparing with all whitespace
removed (the slides' old PyTorch padded numbers differently and wrapped lines elsewhere).
Finally the kernel must be this interpreter's and must never have imported the real PyTorch.
"""
import copy
import glob
import os
import re
import sys

import nbformat
import pytest
from nbclient import NotebookClient

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK_DIR = os.path.join(REPO, "notebooks")
LECTURES = os.path.join(os.path.dirname(REPO), "shared", "lectures")
CELL_TIMEOUT = 300  # seconds; a cold kernel cache compiles for a while on 2 cores

NOTEBOOKS = ["01-tensors", "02-data-manipulation", "03-linear-algebra",
             "04-tensor-internals", "05-autograd", "06-probability", "07-regression",
             "08-mnist-convnet", "09-benchmarks"]

BACKGROUND = "background-krahenbuhl-wu.txt"
D2L = "data586-d2l-ch2.txt"
EE559 = "ee559-fleuret-1.1-1.6.txt"

# notebook -> (lecture file, text the lecture prints), in the lecture's order
EXPECTED = {
    "01-tensors": [(BACKGROUND, t) for t in [
        "tensor([0., 0., 0., 0., 0., 0., 0., 0., 0., 0.])",
        "tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1.])",
        """tensor([[1., 1., 1., 1., 1.],
            [1., 1., 1., 1., 1.],
            [1., 1., 1., 1., 1.],
            [1., 1., 1., 1., 1.]])""",
        "torch.float32 torch.Size([5])",
        """tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,
           18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
           36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,
           54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,
           72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89,
           90, 91, 92, 93, 94, 95, 96, 97, 98, 99])""",
        "torch.Size([100])",
        """tensor([[ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9],
          [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
          [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
          [30, 31, 32, 33, 34, 35, 36, 37, 38, 39],
          [40, 41, 42, 43, 44, 45, 46, 47, 48, 49],
          [50, 51, 52, 53, 54, 55, 56, 57, 58, 59],
          [60, 61, 62, 63, 64, 65, 66, 67, 68, 69],
          [70, 71, 72, 73, 74, 75, 76, 77, 78, 79],
          [80, 81, 82, 83, 84, 85, 86, 87, 88, 89],
          [90, 91, 92, 93, 94, 95, 96, 97, 98, 99]])""",
        "torch.Size([10, 10])",
        "(853, 1280, 3)",
        "torch.Size([3, 853, 1280])",
        "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) tensor([ 0, 10, 20, 30, 40, 50, 60, 70, 80, 90])",
        "tensor([ 0, 11, 22, 33, 44, 55, 66, 77, 88, 99])",
        "torch.Size([1, 10])",
        "torch.Size([10, 1])",
        """tensor([[11., 11.],
            [11., 11.],
            [11., 11.]])""",
        "The size of tensor a (2) must match the size of tensor b (3) at",
        """tensor([[2., 2., 2.],
            [2., 2., 2.],
            [2., 2., 2.]])""",
        """tensor([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]])""",
        """tensor([[ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0],
              [10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
              [20, 20, 20, 20, 20, 20, 20, 20, 20, 20],
              [30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
              [40, 40, 40, 40, 40, 40, 40, 40, 40, 40],
              [50, 50, 50, 50, 50, 50, 50, 50, 50, 50],
              [60, 60, 60, 60, 60, 60, 60, 60, 60, 60],
              [70, 70, 70, 70, 70, 70, 70, 70, 70, 70],
              [80, 80, 80, 80, 80, 80, 80, 80, 80, 80],
              [90, 90, 90, 90, 90, 90, 90, 90, 90, 90]])""",
        """tensor([[ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9],
              [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
              [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
              [30, 31, 32, 33, 34, 35, 36, 37, 38, 39],
              [40, 41, 42, 43, 44, 45, 46, 47, 48, 49],
              [50, 51, 52, 53, 54, 55, 56, 57, 58, 59],
              [60, 61, 62, 63, 64, 65, 66, 67, 68, 69],
              [70, 71, 72, 73, 74, 75, 76, 77, 78, 79],
              [80, 81, 82, 83, 84, 85, 86, 87, 88, 89],
              [90, 91, 92, 93, 94, 95, 96, 97, 98, 99]])""",
        # a[None,:] * b[:,None]; the slide breaks the page after the eighth row
        """tensor([[ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0],
              [ 0, 10, 20, 30, 40, 50, 60, 70, 80, 90],
              [ 0, 20, 40, 60, 80, 100, 120, 140, 160, 180],
              [ 0, 30, 60, 90, 120, 150, 180, 210, 240, 270],
              [ 0, 40, 80, 120, 160, 200, 240, 280, 320, 360],
              [ 0, 50, 100, 150, 200, 250, 300, 350, 400, 450],
              [ 0, 60, 120, 180, 240, 300, 360, 420, 480, 540],
              [ 0, 70, 140, 210, 280, 350, 420, 490, 560, 630],""",
    ]],
    "02-data-manipulation": [(D2L, t) for t in [
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.])",
        "torch.Size([12])",
        """tensor([[ 0.,  1.,  2.,  3.],
                [ 4.,  5.,  6.,  7.],
                [ 8.,  9., 10., 11.]])""",
        """[[0., 0., 0., 0.],
                  [0., 0., 0., 0.],
                  [0., 0., 0., 0.]],""",
        """[[1., 1., 1., 1.],
                  [1., 1., 1., 1.],
                  [1., 1., 1., 1.]],""",
        """tensor([[2, 1, 4, 3],
               [1, 2, 3, 4],
               [4, 3, 2, 1]])""",
        """(tensor([ 8.,  9., 10., 11.]),
          tensor([[ 4.,  5.,  6.,  7.],
                  [ 8.,  9., 10., 11.]])""",
        """tensor([[ 0.,  1.,  2.,  3.],
                 [ 4.,  5., 17.,  7.],
                 [ 8.,  9., 10., 11.]])""",
        """tensor([[12., 12., 12., 12.],
                 [12., 12., 12., 12.],
                 [ 8.,  9., 10., 11.]])""",
        """tensor([162754.7969, 162754.7969, 162754.7969, 162754.7969, 162754.7969,
                162754.7969, 162754.7969, 162754.7969, 2980.9580, 8103.0840,
                22026.4648, 59874.1406])""",
        """(tensor([ 3., 4., 6., 10.]),
          tensor([-1., 0., 2., 6.]),
          tensor([ 2., 4., 8., 16.]),
          tensor([0.5000, 1.0000, 2.0000, 4.0000]),
          tensor([ 1., 4., 16., 64.]))""",
        """(tensor([[ 0.,  1.,  2.,  3.],
                  [ 4.,  5.,  6.,  7.],
                  [ 8.,  9., 10., 11.],
                  [ 2.,  1.,  4.,  3.],
                  [ 1.,  2.,  3.,  4.],
                  [ 4.,  3.,  2.,  1.]]),
          tensor([[ 0.,  1.,  2.,  3.,  2.,  1.,  4.,  3.],
                  [ 4.,  5.,  6.,  7.,  1.,  2.,  3.,  4.],
                  [ 8.,  9., 10., 11.,  4.,  3.,  2.,  1.""",  # the slide drops a ]
        """tensor([[False,  True, False,  True],
                [False, False, False, False],
                [False, False, False, False]])""",
        "tensor(66.)",
        """(tensor([[0],
        [1],
        [2]]),
 tensor([[0, 1]]))""",
        """tensor([[0, 1],
        [1, 2],
        [2, 3]])""",
        "(numpy.ndarray, torch.Tensor)",
        "(tensor([3.5000]), 3.5, 3.5, 3)",
        """(tensor([[3., 0., 1.],
        [2., 0., 1.],
        [4., 1., 0.],
        [3., 0., 1.]], dtype=torch.float64),
tensor([127500, 106000, 178100, 140000]))""",
    ]],
    "03-linear-algebra": [(D2L, t) for t in [
        "(tensor(5.), tensor(6.), tensor(1.5000), tensor(9.))",
        "tensor([0, 1, 2])",
        "tensor(2)",
        "torch.Size([3])",
        """tensor([[0, 1],
        [2, 3],
        [4, 5]])""",
        """tensor([[0, 2, 4],
        [1, 3, 5]])""",
        """tensor([[True, True, True],
        [True, True, True],
        [True, True, True]])""",
        """tensor([[[ 0,  1,  2,  3],
         [ 4,  5,  6,  7],
         [ 8,  9, 10, 11]],
       [[12, 13, 14, 15],
        [16, 17, 18, 19],
        [20, 21, 22, 23]]])""",
        """(tensor([[0., 1., 2.],
         [3., 4., 5.]]),
 tensor([[ 0.,  2.,  4.],
         [ 6.,  8., 10.""",  # the slide drops a ]
        """tensor([[ 0.,  1.,  4.],
        [ 9., 16., 25.]])""",
        """(tensor([[[ 2,  3,  4,  5],
          [ 6,  7,  8,  9],
          [10, 11, 12, 13]],
        [[14, 15, 16, 17],
          [18, 19, 20, 21],
          [22, 23, 24, 25]]]),
 torch.Size([2, 3, 4]))""",
        "(tensor([0., 1., 2.]), tensor(3.))",
        "(torch.Size([2, 3]), tensor(15.))",
        "(torch.Size([2, 3]), torch.Size([3]))",
        "tensor(True)",
        "(tensor(2.5000), tensor(2.5000))",
        "(tensor([1.5000, 2.5000, 3.5000]), tensor([1.5000, 2.5000, 3.5000]))",
        """tensor([[0.0000, 0.3333, 0.6667],
        [0.2500, 0.3333, 0.4167]])""",
        """tensor([[0., 1., 2.],
        [3., 5., 7.]])""",
        "(tensor([0., 1., 2.]), tensor([1., 1., 1.]), tensor(3.))",
        "(torch.Size([2, 3]), torch.Size([3]), tensor([ 5., 14.]), tensor([ 5., 14.]))",
        """(tensor([[ 3.,  3.,  3.,  3.],
         [12., 12., 12., 12.]]),
 tensor([[ 3.,  3.,  3.,  3.],
         [12., 12., 12., 12.""",  # the slide drops a ]
        "tensor(5.)",
        "tensor(7.)",
        "tensor(6.)",
    ]] + [(EE559, t) for t in [
        "torch.Size([2, 5])",
        """tensor([[ 1.1250,   1.1250,   1.1250,   1.1250,   1.1250],
        [ 1.1250,   1.1250,   1.1250,   1.1250,   1.1250]])""",
        "tensor(1.1250)",
        "tensor(0.)",
        "tensor(11.2500)",
        "11.25",
        "tensor(23.)",
        "tensor([ 21., 41., 61.])",
        "tensor([ 110., 420., 930.])",
        "tensor([ 100., 400., 900.])",
        "tensor([ 90., 40., 10.])",
    ]],
    "04-tensor-internals": [(EE559, t) for t in [
        "(torch.float32, device(type='cpu'))",
        "(torch.int64, device(type='cpu'))",
        "torch.FloatTensor torch.Size([",
        "0.0 1.0",
        """tensor([[ 0.,  0.,  0.,  0.],
       [ 1.,  0.,  0.,  0.]])""",
        """tensor([[[ 0.,  0.],
          [ 0.,  0.]],

         [[ 1.,  0.],
          [ 0.,  0.]]])""",
        """tensor([[ 0.,  0.,  0.,  0.],
        [ 1.,  0.,  7.,  0.]])""",
        """tensor([[[ 3.,  3.],
          [ 3.,  3.]]])""",
        """tensor([[ 0.,  0.,  0.,  0.],
        [ 3.,  3.,  3.,  3.]])""",
        """tensor([[ 5.,  6.],
        [ 9., 10.],
        [13., 14.]])""",
        "tensor([ 1.,  2.,  3.,  4.])",
        """tensor([[ 2.,  3.,  4.],
        [ 2.,  3.,  4.],
        [ 2.,  3.,  4.]])""",
        """tensor([[ 2.,  2.,  2.,  2.],
        [ 3.,  3.,  3.,  3.]])""",
        "(100, 1)",
        "(1, 100)",
        """view size is not compatible with
input tensor's size and stride (at least one dimension spans across
two contiguous subspaces).""",
    ]],
    "05-autograd": [(D2L, t) for t in [
        """h=0.10000, numerical limit=2.30000
h=0.01000, numerical limit=2.03000
h=0.00100, numerical limit=2.00300
h=0.00010, numerical limit=2.00030
h=0.00001, numerical limit=2.00003""",
        "tensor([0., 1., 2., 3.])",
        "tensor(28., grad_fn=<MulBackward0>)",
        "tensor([ 0.,  4.,  8., 12.])",
        "tensor([1., 1., 1., 1.])",
        "tensor([0., 2., 4., 6.])",
        "tensor([True, True, True, True])",
    ]],
    "06-probability": [(D2L, t) for t in [
        # help(torch.ones) prints numtensor's shorter docstring, not PyTorch's
        "heads, tails:  [",
    ]],
    # the "Deep Learning" deck shows formulas, EE-559 1.2 and the benchmark print nothing
    "07-regression": [],
    "08-mnist-convnet": [],
    "09-benchmarks": [],
}

RAISES = re.compile(r"# raises: (\w+)")
# appended to each notebook: the kernel is this interpreter's, and numtensor stood in for torch
KERNEL_CHECK = ("import sys\nprint('kernel prefix:', sys.prefix)\n"
                "print('real torch imported:', 'torch' in sys.modules)")


def squeeze(text):
    return re.sub(r"\s+", "", text)


def output_text(nb):
    """Everything the code cells printed or displayed as text, errors included."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                parts.append(out.data.get("text/plain", ""))
            elif out.output_type == "error":
                parts.append(f"{out.ename}: {out.evalue}")
    return "\n".join(parts)


def read(name):
    return nbformat.read(os.path.join(NOTEBOOK_DIR, name + ".ipynb"), as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_notebooks_are_the_issues_list():
    found = sorted(os.path.basename(p) for p in glob.glob(os.path.join(NOTEBOOK_DIR, "*.ipynb")))
    assert found == [n + ".ipynb" for n in NOTEBOOKS]
    assert not glob.glob(os.path.join(NOTEBOOK_DIR, "*.py"))  # nothing in notebooks/ is a script


@pytest.mark.skipif(not os.path.isdir(LECTURES), reason="the lectures are not in ../shared/lectures")
def test_expected_texts_are_the_lectures():
    """Each expected text is copied from its lecture, not from numtensor's output."""
    for name, expected in EXPECTED.items():
        for lecture, text in expected:
            with open(os.path.join(LECTURES, lecture), encoding="utf-8") as f:
                assert squeeze(text) in squeeze(f.read()), (name, lecture, text)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_is_its_generators(name):
    """notebooks/ is written by tools/make_notebooks.py: the cells have not drifted apart."""
    sys.path.insert(0, os.path.join(REPO, "tools"))
    try:
        import make_notebooks
    finally:
        sys.path.remove(os.path.join(REPO, "tools"))
    want = make_notebooks.build(make_notebooks.CELLS[name]).cells
    got = read(name).cells
    assert [(c.cell_type, c.source) for c in got] == [(c.cell_type, c.source) for c in want]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook(name):
    """Lecture code on numtensor, executed, its outputs kept, the lectures' texts in them."""
    nb = read(name)
    cells = code_cells(nb)
    assert "import numtensor as torch" in cells[0].source
    for cell in cells:
        assert not re.search(r"^\s*(import torch\b|from torch\b)", cell.source, re.M), cell.source
        assert cell.execution_count is not None, f"not executed: {cell.source[:60]!r}"
    assert any(cell.outputs for cell in cells)
    text = squeeze(output_text(nb))
    missing = [t for _, t in EXPECTED[name] if squeeze(t) not in text]
    assert not missing


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, tmp_path, monkeypatch):
    nb = copy.deepcopy(read(name))
    nb.cells.append(nbformat.v4.new_code_cell(KERNEL_CHECK))
    monkeypatch.setenv("PYTHONPATH", REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    workdir = tmp_path / "notebooks"  # the lectures also write to ../data
    workdir.mkdir()
    # raises CellExecutionError when a cell not tagged raises-exception raises
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(workdir)}}).execute()

    for cell in code_cells(nb):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        wanted = RAISES.match(cell.source)
        if wanted:
            assert "raises-exception" in cell.metadata.get("tags", [])
            assert [e.ename for e in errors] == [wanted.group(1)], cell.source
        else:
            assert not errors, cell.source

    text = output_text(nb)
    assert f"kernel prefix: {sys.prefix}\n" in text
    assert "real torch imported: False" in text
    missing = [t for _, t in EXPECTED[name] if squeeze(t) not in squeeze(text)]
    assert not missing
