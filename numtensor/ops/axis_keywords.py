"""PyTorch's NumPy-style keyword aliases: `axis` for `dim`, `keepdims` for `keepdim`.

PyTorch's argument parser accepts them on every op it binds from C++ (x.argmax(axis=1),
torch.cat(ts, axis=0), x.amax(axis=1, keepdims=True)), and d2l's code uses them.  The
ops here take PyTorch's own parameter names; this wrapper renames the aliases first, so
an alias given next to its own name, or anything unknown, is still the TypeError it is
in PyTorch.
"""
import functools
import inspect

# ops bound from C++ in PyTorch that have a dim parameter (functions and Tensor methods);
# PyTorch's Python-level ones (norm, split, unflatten, unique, nn.functional.softmax) do
# not take the aliases, and neither do these wrappers' absentees
FUNCTIONS = ("all", "amax", "amin", "aminmax", "any", "argmax", "argmin", "argsort", "chunk",
             "count_nonzero", "cross", "cumprod", "gather", "index_add", "index_select",
             "kthvalue", "log_softmax", "logsumexp", "max", "min", "narrow", "prod", "scatter",
             "scatter_add", "select", "softmax", "sort", "squeeze", "stack", "topk", "unbind",
             "unsqueeze")
METHODS = tuple(n for n in FUNCTIONS if n != "stack") + ("index_add_", "scatter_", "scatter_add_", "squeeze_", "unsqueeze_",
                       "size", "stride")


def accepts_aliases(fn):
    """fn, also taking axis= for dim= and keepdims= for keepdim=."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn
    aliases = [(alias, name) for alias, name in (("axis", "dim"), ("keepdims", "keepdim"))
               if name in params and alias not in params]
    if not aliases:
        return fn

    @functools.wraps(fn)
    def with_aliases(*args, **kwargs):
        for alias, name in aliases:
            if alias in kwargs and name not in kwargs:
                kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)
    return with_aliases


def install(namespace, tensor_class):
    for name in FUNCTIONS:
        namespace[name] = accepts_aliases(namespace[name])
    for name in METHODS:
        setattr(tensor_class, name, accepts_aliases(getattr(tensor_class, name)))
