"""Random programs for the differential fuzz test, as Python source text.

A program is a few statements that run unchanged with `torch` bound to numtensor or to
PyTorch: it builds an input x (any dtype; shapes with 0-d, size-0 and size-1 dims;
laid out contiguous, permuted, stepped, expanded or as an offset view), sometimes a
second operand y, then applies one or two ops drawn from the public API
(element-wise, reductions, views, indexing and setitem, joining, matmul, in-place).
Being text, a failing program is its own reproducer.

Everything is drawn from one numpy Generator, so (seed, case number) fixes a program.
"""
import numpy as np

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
DTYPE_WEIGHTS = np.array([1, 1, 0.5, 0.5, 1, 2, 1, 3, 3, 0.5, 0.5])
FLOATS = {"float16", "float32", "float64"}
COMPLEX = {"complex64", "complex128"}
INTS = {"uint8", "int8", "int16", "int32", "int64"}


class Program:
    """x = base + view suffix, maybe y, then `out = ...` statements."""

    def __init__(self, dtype, shape, layout, x_base, x_view, statements, grad_capable):
        self.dtype, self.shape, self.layout = dtype, shape, layout
        self.x_base, self.x_view = x_base, x_view
        self.statements = statements  # after x
        self.grad_capable = grad_capable  # float64 and every op differentiable

    @property
    def ops(self):
        return " ; ".join(s.split("=", 1)[1].strip() for s in self.statements
                          if s.startswith("out"))

    def source(self):
        return "\n".join([f"x = {self.x_base}{self.x_view}"] + self.statements)

    def grad_source(self):
        """The program on x viewing a float64 leaf that requires grad, then backward with
        fixed weights; `leaf.grad` is what gets compared."""
        leaf = self.x_base.replace("dtype=torch.float64)", "dtype=torch.float64, requires_grad=True)", 1)
        return "\n".join([f"leaf = {leaf}", f"x = leaf{self.x_view}"] + self.statements + [
            "out.backward(torch.linspace(-1.0, 2.0, out.numel(), dtype=torch.float64)"
            ".reshape(out.shape))"])


# ---- inputs --------------------------------------------------------------------------
def _values(g, dtype, shape):
    if dtype == "bool":
        return g.random(shape) < 0.5
    if dtype in INTS:
        lo = 0 if dtype == "uint8" else -20
        return g.integers(lo, 21, shape).astype(dtype)
    v = np.round(g.standard_normal(shape) * 3, 2)
    if g.random() < 0.15 and v.size:  # now and then the values that break kernels
        special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e20, -1e20, 0.5, -2.5])
        flat = v.reshape(-1)
        k = g.integers(1, max(2, flat.size // 3))
        flat[g.integers(0, flat.size, k)] = g.choice(special, k)
    if dtype in COMPLEX:
        v = v + 1j * np.round(g.standard_normal(shape) * 3, 2)
    with np.errstate(over="ignore"):  # 1e20 becomes inf in float16, on purpose
        return v.astype(dtype)


def _literal(arr):
    """Source text of a nested list holding arr's values (nan/inf as names)."""
    def item(v):
        if isinstance(v, (bool, np.bool_)):
            return "True" if v else "False"
        if isinstance(v, complex):
            return f"complex({item(v.real)}, {item(v.imag)})"
        if isinstance(v, float):
            return "nan" if v != v else ("inf" if v == np.inf else ("-inf" if v == -np.inf else repr(v)))
        return repr(int(v))

    def nest(a):
        if a.ndim == 0:
            return item(a.item())
        return "[" + ", ".join(nest(s) for s in a) + "]"
    return nest(arr)


def _tensor_source(arr, dtype):
    if arr.size == 0:  # an empty nested list cannot say its shape
        return f"torch.zeros({tuple(arr.shape)}, dtype=torch.{dtype})"
    return f"torch.tensor({_literal(arr)}, dtype=torch.{dtype})"


def _shape(g, max_rank=3):
    rank = int(g.choice([0, 1, 2, 2, 3, 3]) if max_rank >= 3 else g.integers(0, max_rank + 1))
    sizes = [int(g.choice([0, 1, 1, 2, 3, 3, 4, 4, 5])) for _ in range(rank)]
    return tuple(sizes)


LAYOUTS = ["contiguous", "permuted", "stepped", "expanded", "offset"]


def make_input(g, dtype, shape):
    """(layout, source of a fresh base tensor, source of the view of it that has shape)."""
    layout = str(g.choice(LAYOUTS))
    rank = len(shape)
    if layout == "permuted" and rank >= 2:
        perm = g.permutation(rank)
        base = tuple(shape[p] for p in perm)
        inverse = tuple(int(i) for i in np.argsort(perm))
        arr = _values(g, dtype, base)
        return layout, _tensor_source(arr, dtype), f".permute{inverse}"
    if layout == "stepped" and rank >= 1:
        base = shape[:-1] + (2 * shape[-1],)
        arr = _values(g, dtype, base)
        return layout, _tensor_source(arr, dtype), "[..., ::2]"
    if layout == "expanded" and rank >= 1 and any(s != 1 for s in shape):
        d = int(g.choice([i for i, s in enumerate(shape) if s != 1]))
        base = shape[:d] + (1,) + shape[d + 1:]
        arr = _values(g, dtype, base)
        return layout, _tensor_source(arr, dtype), f".expand{tuple(shape)}"
    if layout == "offset":
        if rank == 0:
            arr = _values(g, dtype, (2,))
            return layout, _tensor_source(arr, dtype), "[1]"
        base = (shape[0] + 1,) + shape[1:]
        arr = _values(g, dtype, base)
        return layout, _tensor_source(arr, dtype), "[1:]"
    arr = _values(g, dtype, shape)
    return "contiguous", _tensor_source(arr, dtype), ""


# ---- ops -----------------------------------------------------------------------------
# Each maker returns (source of an expression in `v` and maybe `y`, differentiable) or
# None when it does not apply to v's shape.  `need_y(dtype, shape)` asks for a second
# operand; the maker receives its text name.
UNARY = ["neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "floor",
         "ceil", "trunc", "round", "sign", "reciprocal", "square", "isnan", "isinf", "isfinite",
         "logical_not", "bitwise_not", "expm1", "log1p", "rsqrt", "positive"]
DIFF_UNARY = {"neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu",
              "reciprocal", "square", "expm1", "log1p", "rsqrt", "positive", "floor", "ceil",
              "trunc", "round", "sign"}
BINARY = ["add", "sub", "mul", "div", "floor_divide", "remainder", "fmod", "maximum", "minimum",
          "eq", "ne", "lt", "ge", "atan2", "pow", "logical_and", "logical_or", "bitwise_and",
          "bitwise_or", "bitwise_xor"]
DIFF_BINARY = {"add", "sub", "mul", "div", "maximum", "minimum", "atan2", "pow"}
REDUCTIONS = ["sum", "mean", "prod", "amax", "amin", "std", "var", "norm", "logsumexp", "all",
              "any", "argmax", "argmin", "count_nonzero"]
DIFF_REDUCTIONS = {"sum", "mean", "prod", "amax", "amin", "std", "var", "norm", "logsumexp"}
INPLACE = ["add_", "sub_", "mul_", "div_", "clamp_", "zero_", "fill_", "neg_", "abs_", "sqrt_",
           "exp_", "floor_", "copy_", "masked_fill_", "index_add_", "scatter_add_", "pow_",
           "setitem_int", "setitem_slice", "setitem_mask", "setitem_index", "iadd"]


def _scalar(g, dtype):
    kind = g.choice(["int", "float", "bool"], p=[0.5, 0.4, 0.1])
    if kind == "int":
        return str(int(g.integers(-3, 4)))
    if kind == "bool":
        return str(bool(g.random() < 0.5))
    return repr(float(np.round(g.standard_normal() * 2, 2)))


def _dim(g, rank):
    return int(g.integers(-rank, rank)) if rank else int(g.choice([0, -1]))


def draw_op(g, dtype, shape, var):
    """(expression source, needs y: None or (dtype, shape), differentiable, in-place)."""
    rank = len(shape)
    family = str(g.choice(["unary", "binary", "reduction", "view", "index", "join", "matmul",
                           "inplace", "sort"], p=[0.16, 0.18, 0.16, 0.12, 0.1, 0.08, 0.06, 0.1,
                                                  0.04]))
    if family == "unary":
        op = str(g.choice(UNARY))
        if g.random() < 0.3:
            return f"torch.clamp({var}, min={_scalar(g, dtype)}, max={_scalar(g, dtype)})", None, True, False
        return f"torch.{op}({var})", None, op in DIFF_UNARY, False
    if family == "binary":
        op = str(g.choice(BINARY))
        diff = op in DIFF_BINARY
        r = g.random()
        if r < 0.35:
            return f"torch.{op}({var}, {_scalar(g, dtype)})", None, diff, False
        if r < 0.45:  # a reflected operator: number op tensor
            return f"{_scalar(g, dtype)} {str(g.choice(['+', '-', '*', '/', '//', '%', '**']))} {var}", None, True, False
        # a second tensor: same dtype mostly, broadcastable shape
        ydt = dtype if g.random() < 0.7 else str(g.choice(DTYPES, p=DTYPE_WEIGHTS / DTYPE_WEIGHTS.sum()))
        yshape = tuple(s if g.random() < 0.7 else 1 for s in shape[int(g.integers(0, rank + 1)):])
        if op == "add" and g.random() < 0.3:
            return f"torch.add({var}, y, alpha={int(g.integers(-2, 3))})", (ydt, yshape), True, False
        if g.random() < 0.2:
            return f"torch.where({var} != 0, {var}, y)" if dtype != "bool" else \
                f"torch.where({var}, y, {var})", (ydt, yshape), True, False
        return f"torch.{op}({var}, y)", (ydt, yshape), diff, False
    if family == "reduction":
        op = str(g.choice(REDUCTIONS))
        diff = op in DIFF_REDUCTIONS
        r = g.random()
        if r < 0.3 or op in ("count_nonzero",) and r < 0.6:
            return f"torch.{op}({var})", None, diff, False
        if op in ("argmax", "argmin") or rank == 0:
            return f"torch.{op}({var}, dim={_dim(g, rank)}, keepdim={bool(g.random() < 0.5)})", None, diff, False
        if op == "count_nonzero":
            return f"torch.count_nonzero({var}, dim={_dim(g, rank)})", None, False, False
        if g.random() < 0.4 and rank >= 2 and op not in ("prod", "all", "any", "logsumexp") or \
                op in ("amax", "amin") and rank >= 2 and g.random() < 0.5:
            dims = tuple(sorted({_dim(g, rank) % rank for _ in range(2)}))
            return f"torch.{op}({var}, dim={dims}, keepdim={bool(g.random() < 0.5)})", None, diff, False
        if op in ("std", "var") and g.random() < 0.3:
            return f"torch.{op}({var}, dim={_dim(g, rank)}, correction=0)", None, diff, False
        if g.random() < 0.2:
            return f"torch.cumsum({var}, dim={_dim(g, rank)})" if g.random() < 0.6 else \
                f"torch.cumprod({var}, dim={_dim(g, rank)})", None, True, False
        if g.random() < 0.2 and op in ("sum", "amax"):
            return f"torch.max({var}, dim={_dim(g, rank)})" if op == "amax" else \
                f"{var}.sum(dim={_dim(g, rank)}, keepdim=True)", None, True, False
        return f"torch.{op}({var}, dim={_dim(g, rank)})", None, diff, False
    if family == "view":
        choices = ["reshape(-1)", "unsqueeze", "squeeze", "flatten", "transpose", "permute", "t",
                   "expand", "narrow", "select", "step", "none", "mT", "unflatten"]
        op = str(g.choice(choices))
        if op == "reshape(-1)":
            return f"{var}.reshape(-1)", None, True, False
        if op == "unsqueeze":
            return f"{var}.unsqueeze({int(g.integers(-rank - 1, rank + 1))})", None, True, False
        if op == "squeeze":
            return (f"{var}.squeeze()" if g.random() < 0.5 else f"{var}.squeeze({_dim(g, rank)})"), None, True, False
        if op == "flatten":
            return f"{var}.flatten({_dim(g, rank)})" if rank else f"{var}.flatten()", None, True, False
        if op == "transpose":
            return f"{var}.transpose({_dim(g, rank)}, {_dim(g, rank)})", None, True, False
        if op == "permute" and rank:
            return f"{var}.permute{tuple(int(i) for i in g.permutation(rank))}", None, True, False
        if op == "t":
            return f"{var}.t()", None, True, False
        if op == "mT":
            return f"{var}.mT", None, True, False
        if op == "expand":
            return f"{var}.expand({', '.join(['2'] + ['-1'] * rank)})", None, True, False
        if op == "narrow" and rank:
            d = _dim(g, rank)
            n = shape[d]
            start = int(g.integers(0, n + 1))
            return f"{var}.narrow({d}, {start}, {int(g.integers(0, n - start + 1))})", None, True, False
        if op == "select" and rank:
            d = _dim(g, rank)
            return f"{var}.select({d}, {int(g.integers(-shape[d] - 1, shape[d] + 1))})", None, True, False
        if op == "step" and rank:
            return f"{var}[..., {int(g.integers(0, 3))}::{int(g.integers(1, 4))}]", None, True, False
        if op == "unflatten" and rank:
            d = _dim(g, rank)
            return f"{var}.unflatten({d}, ({shape[d]}, 1))", None, True, False
        return f"{var}[None, ..., None]", None, True, False
    if family == "index":
        choices = ["int", "neg", "list", "tensor", "mask", "index_select", "gather", "masked_fill",
                   "masked_select", "nonzero", "scatter"]
        op = str(g.choice(choices))
        n0 = shape[0] if rank else 0
        if op in ("int", "neg") and rank:
            i = int(g.integers(-n0 - 1, n0 + 1))
            return (f"{var}[{i}]" if rank == 1 or g.random() < 0.5 else
                    f"{var}[:, {int(g.integers(-shape[1] - 1, shape[1] + 1))}]"), None, True, False
        if op == "list" and rank:
            idx = [int(i) for i in g.integers(-n0, max(n0, 1), int(g.integers(0, 4)))]
            return f"{var}[{idx}]" if idx else f"{var}[[]]", None, True, False
        if op == "tensor" and rank:
            idx = [int(i) for i in g.integers(-n0, max(n0, 1), int(g.integers(1, 4)))]
            return f"{var}[torch.tensor({idx})]", None, True, False
        if op == "mask":
            return f"{var}[{var} != 0]" if dtype != "bool" else f"{var}[{var}]", None, True, False
        if op == "index_select" and rank:
            d = _dim(g, rank)
            idx = [int(i) for i in g.integers(0, max(shape[d], 1), 3)]
            return f"torch.index_select({var}, {d}, torch.tensor({idx}))", None, True, False
        if op == "gather" and rank:
            d = _dim(g, rank)
            ishape = tuple(int(g.integers(0, s + 1)) for s in shape)
            idx = g.integers(0, max(shape[d], 1), ishape).tolist()
            return f"torch.gather({var}, {d}, torch.tensor({idx}, dtype=torch.int64).reshape{ishape})", None, True, False
        if op == "masked_fill":
            return f"{var}.masked_fill({var} != 0, {_scalar(g, dtype)})" if dtype != "bool" else \
                f"{var}.masked_fill({var}, False)", None, True, False
        if op == "masked_select":
            return f"torch.masked_select({var}, {var} == {var})", None, True, False
        if op == "nonzero":
            return f"torch.nonzero({var})", None, False, False
        if op == "scatter" and rank:
            d = _dim(g, rank)
            return f"torch.zeros_like({var}).scatter({d}, torch.zeros_like({var}, dtype=torch.int64), {var})", None, True, False
        return f"{var}[...]", None, True, False
    if family == "join":
        op = str(g.choice(["cat", "stack", "split", "chunk", "flip", "repeat", "tile", "roll_like"]))
        d = _dim(g, rank)
        if op == "cat" and rank:
            return f"torch.cat([{var}, {var} * 2], dim={d})", None, True, False
        if op == "stack":
            return f"torch.stack([{var}, {var}], dim={int(g.integers(-rank - 1, rank + 1))})", None, True, False
        if op == "split" and rank:
            return f"torch.split({var}, {int(g.integers(1, 4))}, dim={d})[0]", None, True, False
        if op == "chunk" and rank:
            return f"torch.chunk({var}, {int(g.integers(1, 4))}, dim={d})[-1]", None, True, False
        if op == "flip" and rank:
            return f"torch.flip({var}, dims=({d},))", None, True, False
        if op == "repeat":
            reps = tuple(int(g.integers(0, 3)) for _ in range(max(rank, 1) + int(g.integers(0, 2))))
            return f"{var}.repeat{reps if len(reps) > 1 else '(' + str(reps[0]) + ',)'}", None, True, False
        if op == "tile":
            return f"torch.tile({var}, ({int(g.integers(1, 3))},))", None, True, False
        return f"torch.cat([{var}.reshape(-1), {var}.reshape(-1)])", None, True, False
    if family == "matmul":
        if rank >= 1:
            k = shape[-1]
            other = (k,) if g.random() < 0.3 else (k, int(g.choice([0, 1, 3])))
            return f"torch.matmul({var}, y)", (dtype, other), True, False
        return f"{var} * 2", None, True, False
    if family == "sort" and rank:
        op = str(g.choice(["sort", "argsort", "topk", "unique", "searchsorted"]))
        d = _dim(g, rank)
        if op == "sort":
            return f"torch.sort({var}, dim={d}, descending={bool(g.random() < 0.5)}, stable=True).values", None, True, False
        if op == "argsort":
            return f"torch.argsort({var}, dim={d}, stable=True)", None, False, False
        if op == "topk":
            return f"torch.topk({var}, {int(g.integers(0, shape[d] + 2))}, dim={d}).values", None, True, False
        if op == "unique":
            return f"torch.unique({var}, return_counts=True)[1]", None, False, False
        return f"torch.searchsorted(torch.sort({var}.reshape(-1)).values, {var})", None, False, False
    # in-place ops: applied to x itself (its state afterwards is compared too)
    op = str(g.choice(INPLACE))
    s = _scalar(g, dtype)
    if op in ("add_", "sub_", "mul_", "div_", "pow_"):
        if g.random() < 0.5:
            return f"{var}.{op}({s})", None, True, True
        yshape = shape[int(g.integers(0, rank + 1)):]
        return f"{var}.{op}(y)", (dtype if g.random() < 0.8 else "float32", yshape), True, True
    if op == "clamp_":
        return f"{var}.clamp_(min={s})", None, True, True
    if op == "zero_":
        return f"{var}.zero_()", None, True, True
    if op == "fill_":
        return f"{var}.fill_({s})", None, True, True
    if op in ("neg_", "abs_", "sqrt_", "exp_", "floor_"):
        return f"{var}.{op}()", None, True, True
    if op == "copy_":
        yshape = shape[int(g.integers(0, rank + 1)):]
        return f"{var}.copy_(y)", (str(g.choice(DTYPES, p=DTYPE_WEIGHTS / DTYPE_WEIGHTS.sum())), yshape), True, True
    if op == "masked_fill_":
        return f"{var}.masked_fill_({var} != 0, {s})", None, True, True
    if op == "index_add_" and rank:
        d = _dim(g, rank)
        idx = [int(i) for i in g.integers(0, max(shape[d], 1), 2)]
        src = shape[:d % rank] + (2,) + shape[d % rank + 1:]
        return f"{var}.index_add_({d}, torch.tensor({idx}), y)", (dtype, src), True, True
    if op == "scatter_add_" and rank:
        d = _dim(g, rank)
        return f"{var}.scatter_add_({d}, torch.zeros_like({var}, dtype=torch.int64), {var}.clone())", None, True, True
    if op == "setitem_int" and rank:
        return f"{var}.__setitem__({int(g.integers(-shape[0], max(shape[0], 1)))}, {s}) or {var}", None, True, True
    if op == "setitem_slice" and rank:
        return f"{var}.__setitem__((Ellipsis, slice(None, None, 2)), {s}) or {var}", None, True, True
    if op == "setitem_mask":
        return f"{var}.__setitem__({var} != 0, {s}) or {var}", None, True, True
    if op == "setitem_index" and rank:
        idx = [int(i) for i in g.integers(0, max(shape[0], 1), 2)]
        return f"{var}.__setitem__(torch.tensor({idx}), {s}) or {var}", None, True, True
    if op == "iadd":
        return f"{var}.__iadd__({s})", None, True, True
    return f"{var}.clone()", None, True, False


def draw_followup(g, var):
    """A second op that fits any shape and dtype: it runs on the first op's result."""
    r = g.random()
    if r < 0.3:
        op = str(g.choice(UNARY[:20]))
        return f"torch.{op}({var})", op in DIFF_UNARY
    if r < 0.6:
        return f"{var} {str(g.choice(['+', '-', '*', '/']))} {_scalar(g, None)}", True
    if r < 0.85:
        op = str(g.choice(["sum", "mean", "amax", "prod", "all"]))
        return f"torch.{op}({var})", op != "all"
    return f"{var}.reshape(-1).clone()", True


def draw_program(g):
    """A random program: x in some dtype, shape and layout, maybe y, then one or two ops."""
    dtype = str(g.choice(DTYPES, p=DTYPE_WEIGHTS / DTYPE_WEIGHTS.sum()))
    shape = _shape(g)
    layout, x_base, x_view = make_input(g, dtype, shape)
    statements = []
    expr, need_y, differentiable, _ = draw_op(g, dtype, shape, "x")
    if need_y is not None:
        _, y_base, y_view = make_input(g, need_y[0], tuple(need_y[1]))
        statements.append(f"y = {y_base}{y_view}")
    statements.append(f"out = {expr}")
    if g.random() < 0.35:
        expr, diff = draw_followup(g, "out")
        statements.append(f"out = {expr}")
        differentiable = differentiable and diff
    return Program(dtype, shape, layout, x_base, x_view, statements,
                   differentiable and dtype == "float64")
