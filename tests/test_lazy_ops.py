"""The rarer op modules load on first use (numtensor/_lazy_ops.py): import numtensor does
not import them, their names are all there before, and the first use of any of them, as a
method, a class attribute or a torch.* function, gives the real op."""
import importlib
import subprocess
import sys
import textwrap

import pytest

import numtensor as nt
from numtensor._lazy_ops import LAZY_OPS


@pytest.mark.parametrize("module_name", sorted(LAZY_OPS))
def test_the_lazy_tables_name_every_function_and_method(module_name):
    module = importlib.import_module(f"numtensor.ops.{module_name}")
    functions, methods = LAZY_OPS[module_name]
    assert functions == list(module.FUNCTIONS)
    assert methods == list(module.METHODS)


def _fresh(code):
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_leaves_them_unloaded_and_each_route_loads_them():
    out = _fresh("""
        import sys
        import numtensor as torch
        lazy = ["numtensor.ops." + m for m in ("more_math", "more_shapes", "special_math",
                                               "more_functions", "scatter_reduce")]
        lazy += ["numtensor.testing", "numtensor.autograd.functional"]
        print(sorted(m for m in lazy if m in sys.modules))
        print("erf" in dir(torch), "kron" in dir(torch.Tensor), "testing" in dir(torch))
        x = torch.tensor([0.5, -1.0])
        print(x.erf())                          # a method first: loads special_math
        print(torch.Tensor.kron is torch.Tensor.kron, callable(torch.Tensor.kron))
        from numtensor import diff             # a from-import of a function
        print(diff(torch.tensor([1, 4, 9])))
        p = torch.nn.Parameter(torch.ones(2))
        print(p.logit().grad_fn is not None)   # a subclass's method
        print(torch.autograd.functional.jacobian(lambda t: t * 2, torch.ones(2)).shape)
        torch.testing.assert_close(torch.ones(1), torch.ones(1))
        print(sorted(m for m in lazy if m in sys.modules) == sorted(
            ["numtensor.ops.special_math", "numtensor.ops.more_shapes", "numtensor.ops.more_math",
             "numtensor.testing", "numtensor.autograd.functional"]))
    """)
    assert out.splitlines() == [
        "[]", "True True True", "tensor([ 0.5205, -0.8427])", "True True",
        "tensor([3, 5])", "True", "torch.Size([2, 2])", "True"]


def test_a_missing_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'no_such_op'"):
        nt.no_such_op
    with pytest.raises(AttributeError):
        nt.ones(1).no_such_method


def test_no_lazy_module_is_loaded_by_import_and_linalg_loads_its_lu_family_on_use():
    out = _fresh("""
        import sys
        import numtensor as torch
        from numtensor._lazy_ops import LAZY_OPS
        lazy = ["numtensor.ops." + m for m in LAZY_OPS] + ["numtensor.ops.lu_ops"]
        print(sorted(m for m in lazy if m in sys.modules))
        print("solve_triangular" in dir(torch.linalg))
        print(torch.linalg.solve_triangular(torch.eye(2) * 2, torch.ones(2, 1), upper=True))
        print("numtensor.ops.lu_ops" in sys.modules)
    """)
    assert out.splitlines() == ["[]", "True", "tensor([[0.5000],", "        [0.5000]])", "True"]
