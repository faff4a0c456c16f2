"""Imports through another name for numtensor (sys.modules["torch"] = numtensor).

Running PyTorch code unchanged is often done by registering numtensor under PyTorch's
name.  Then `import torch.nn` or `from torch.utils.data import DataLoader` asks the
import system for a module "torch.nn", which does not exist yet under that name: Python
would execute numtensor/nn a second time as a new module, with its own copy of every
class (a second Tensor class, which isinstance checks inside numtensor do not accept).
This finder answers such an import with the numtensor module itself.
"""
import importlib
import importlib.abc
import importlib.util
import sys


class _ExistingModule(importlib.abc.Loader):
    """Hands the import system a module that is already loaded, leaving it as it was."""

    def __init__(self, module):
        self.module = module
        self.spec = getattr(module, "__spec__", None)

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        # the import system stamped the alias's spec on the module: give it its own back
        module.__spec__ = self.spec


class AliasFinder(importlib.abc.MetaPathFinder):
    """`<alias>.<sub>` -> `numtensor.<sub>` while sys.modules[<alias>] is numtensor."""

    def find_spec(self, fullname, path=None, target=None):
        head, dot, rest = fullname.partition(".")
        if not dot or head == "numtensor":
            return None
        package = sys.modules.get(head)
        if package is None or package is not sys.modules.get("numtensor"):
            return None
        module = importlib.import_module("numtensor." + rest)
        return importlib.util.spec_from_loader(fullname, _ExistingModule(module))


def install():
    if not any(isinstance(f, AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())
