"""Advanced indexing (integer tensors, lists, bool masks): gathers and scatters.

Not implemented yet: the basic forms (ints, slices, None, ...) live in indexing.py.
"""


def getitem(x, key):
    raise NotImplementedError("advanced indexing (tensor/list/mask indices) is not implemented yet")


def setitem(x, key, value):
    raise NotImplementedError("advanced indexing (tensor/list/mask indices) is not implemented yet")
