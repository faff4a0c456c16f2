"""Where numtensor and torch may disagree today, each with its reason.

TORCH_QUIRKS: PyTorch's own behaviour that numtensor deliberately does not copy.
NUMTENSOR_BUGS: numtensor bugs found by the fuzz test (or filed in issue 15) that are
not fixed yet: each has the issue item it belongs to and a one-line reproducer; the
fuzz test passes while they disagree, and test_known_bugs_still_fail fails as soon as
a reproducer agrees with torch, so that its entry is deleted when the fix lands.
MEMORY_UNSAFE: programs that corrupt memory today are not run at all (a corrupted
heap would crash the test run); they are counted, and listed here with their issue.
"""
import re


class Known:
    def __init__(self, name, reason, reproducer, match):
        self.name, self.reason, self.reproducer, self.match = name, reason, reproducer, match

    def __repr__(self):
        return f"{self.name}: {self.reason}\n    reproducer: {self.reproducer}"


def _op(program, *names):
    return any(n in program.ops for n in names)


def _has_empty_tensor(program):
    source = program.source()
    return 0 in program.shape or "[]" in source or bool(
        re.search(r"(reshape|zeros)\(\(?[^)]*\b0\b", source))


_INPLACE = (".add_(", ".sub_(", ".mul_(", ".div_(", ".pow_(", ".clamp_(", "__iadd__", ".copy_(",
            ".masked_fill_(", "__setitem__", ".fill_(", ".neg_(", ".abs_(", ".sqrt_(", ".exp_(",
            ".floor_(", ".zero_(", ".index_add_(", ".scatter_add_(")

MEMORY_UNSAFE = []  # both former entries (empty-index scatter, float16 in-place on a strided view) are fixed

def _special_values(program):
    source = program.source()
    return "nan" in source or "inf" in source or "e+20" in source or "e20" in source


def _has_ties(program):
    """Whether some number appears twice among the program's literal values."""
    # a decimal point or an exponent: the tensor literals' values (1e+20 too), not the
    # integer arguments
    numbers = re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+", program.source())
    return len(set(numbers)) < len(numbers)


def _complex(program):
    return "complex" in program.source()


def _raises(d, *texts):
    return any(t in d.detail for t in texts)


TORCH_QUIRKS = [
    Known("torch internal assert",
          "torch fails its own INTERNAL ASSERT (a torch bug, e.g. the backward of "
          "`False ** x`); numtensor computes the result",
          "x = torch.ones(2, dtype=torch.float64, requires_grad=True); (False ** x).sum().backward()",
          lambda p, d: "INTERNAL ASSERT FAILED" in d.detail),
    Known("float32 sin / cos / tan of huge arguments",
          "for float32 arguments far beyond 1e5 torch's vectorised sin/cos/tan (SLEEF) and the "
          "C library numtensor's kernels call reduce the argument differently; neither result "
          "carries meaning at that magnitude",
          "torch.cos(torch.tensor([4.85e8]))",
          lambda p, d: d.kind == "result" and _op(p, "cos(", "sin(", "tan(") and (
              _op(p, "exp", "pow", "**", "prod") or _special_values(p))),
    Known("remainder has no derivative for its divisor",
          "torch raises 'derivative for aten::remainder is not implemented' when the divisor "
          "needs a gradient; numtensor returns the gradient (-floor(a / b) * grad), which is "
          "the mathematically defined one",
          "x = torch.ones(2, dtype=torch.float64, requires_grad=True); (3 % x).sum().backward()",
          lambda p, d: d.kind == "grad" and "derivative for aten::remainder" in d.detail),
    Known("float32 transcendentals seen through a float64 out=",
          "torch's vectorised float32 exp/log/tanh/sigmoid (SLEEF, within 1 ulp) are not "
          "always correctly rounded; numtensor's are.  Written into a float64 out= the "
          "comparison is float64-tight and sees that last float32 bit",
          "torch.exp(torch.tensor([-1.4100000858306885] * 20), out=torch.empty(0, dtype=torch.float64))",
          lambda p, d: d.kind == "result" and "out=" in p.source() and "float64" in p.source()
          and _op(p, "exp(", "log(", "tanh(", "sigmoid(", "expm1(")),
    Known("float32 transcendentals' last bit, rounded to an integer",
          "the same last float32 bit as above, made whole by a rounding op: torch's expm1(-17.) "
          "is -1.0 (1 ulp off), numtensor's -0.99999994 (correctly rounded: the true value is "
          "-0.99999995860), so ceil gives -1. against -0.",
          "torch.ceil(torch.expm1(torch.tensor([-17.0] * 20)))",
          lambda p, d: d.kind == "result" and _op(p, "exp(", "log(", "tanh(", "sigmoid(", "expm1(")
          and _op(p, "ceil(", "floor(", "round(", "trunc(")),
    Known("GELU of an infinity",
          "torch's vectorised CPU GELU (float32, more than a few elements) returns nan for "
          "+inf, while its scalar path and float64 return inf, the limit; numtensor returns "
          "inf everywhere",
          "torch.nn.functional.gelu(torch.tensor([float('inf')] * 20))",
          lambda p, d: d.kind == "result" and _op(p, "gelu") and "inf" in p.source()),
    Known("topk among equal values",
          "torch's CPU topk leaves equal values in whatever order its selection "
          "(std::partial_sort / nth_element) leaves them, an order PyTorch does not specify "
          "(torch.topk([0.09, 0.09, -0.77, -1.45], 3) gives indices [1, 0, 2], but [0, 1] for "
          "the first three alone); numtensor returns ties in index order, so the indices, and "
          "gradients routed through them, can differ where the values agree",
          "torch.topk(torch.tensor([0.09, 0.09, -0.77, -1.45]), 3).indices",
          lambda p, d: d.kind in ("result", "grad") and _op(p, "topk") and _has_ties(p)),
    Known("float16 products accumulated in half",
          "torch's CPU prod of a float16 tensor multiplies in half precision in its own "
          "vectorised order, so a partial product can overflow to inf (or round) even when the "
          "full product fits; numtensor accumulates in float32 and rounds once, as it does for sums",
          "torch.prod(torch.tensor([[300., 300.], [0.001, 0.001]], dtype=torch.float16).t())",
          lambda p, d: d.kind == "result" and p.dtype in ("float16", "bfloat16")
          and _op(p, "prod")),
]

# Each: issue 15's item (or "new" for what the fuzz test found), and a reproducer.
NUMTENSOR_BUGS = [
    Known("sums through cancelling 1e20s in another order",
          "new (fuzz, seed 5151): a sum over several non-trailing dims of a strided tensor "
          "adds in numtensor's order, not PyTorch's (its order is copied for whole sums and "
          "trailing dims only); where +1e20 and -1e20 cancel, the small terms added before the "
          "cancellation are lost in one order and kept in the other (-0.14 against -1.85, "
          "the exact sum being -7.81)",
          "x = torch.tensor([[[-3.46, 0.33, -1e20, -float('inf'), 0.5, -0.0]] * 2, "
          "[[-4.71, 3.9, 1e20, float('nan'), 1.71, 5.06]] * 2, [[-3.22, 0.57, 3.51, -1e20, "
          "-2.14, 4.3]] * 2])[..., ::2]; torch.sum(x, dim=(0, 2))",
          lambda p, d: d.kind == "result" and _op(p, "sum(", "mean(", "nansum(")
          and "e+20" in p.source()),
    Known("addcmul rounds twice",
          "new (fuzz): torch's CPU addcmul fuses value * tensor1 * tensor2 + input into one "
          "fused multiply-add (one rounding); numtensor composes it from mul and add (two "
          "roundings), so float results can differ in the last bit (seen when a float32 "
          "result goes into a float64 out=, where the comparison is float64-tight)",
          "torch.addcmul(torch.tensor([-2.678346872329712]), torch.tensor([-6.830789566040039]), "
          "torch.tensor([-8.401668548583984]), value=0.3, out=torch.empty(0, dtype=torch.float64))",
          lambda p, d: d.kind == "result" and _op(p, "addcmul")),
    Known("complex arithmetic at infinities",
          "new (fuzz): complex matmul, products, pow and tanh with inf, NaN or huge operands give "
          "nan+nanj where torch gives inf+infj or a finite value (C99 Annex G special cases "
          "that Numba's complex arithmetic does not follow)",
          "torch.matmul(torch.tensor([complex(float('inf'), 0), 1j]), torch.tensor([1 + 1j, 2]))",
          lambda p, d: d.kind in ("result", "input") and _complex(p) and (
              "inf" in d.detail or "nan" in d.detail or _special_values(p))),
    Known("rounding ops pass NaN gradients",
          "new (fuzz): the backward of floor / ceil / round / trunc / sign multiplies the "
          "incoming gradient by 0, so a NaN or inf gradient gives NaN; torch returns zeros",
          "x = torch.tensor([-1.5], dtype=torch.float64, requires_grad=True); "
          "torch.sqrt(torch.ceil(x)).backward(); x.grad",
          lambda p, d: d.kind == "grad" and _op(p, "floor", "ceil", "round", "trunc", "sign")
          and "nan" in d.detail),
    Known("AttributeError for a non-tensor argument",
          "new (fuzz): passing a non-tensor (e.g. the named tuple of max(dim)) where a tensor "
          "belongs raises AttributeError; torch raises TypeError",
          "torch.all(torch.max(torch.ones(2, 2), dim=0))",
          lambda p, d: "numtensor raises AttributeError" in d.detail and "torch raises TypeError" in d.detail),
    Known("prod backward with zeros and infinities",
          "new (fuzz, like issue 15's cumprod item): prod's backward with a 0 and an inf among "
          "the elements differs from the product of the others (torch: [inf, 0, nan])",
          "x = torch.tensor([0., float('inf'), 2.], dtype=torch.float64, requires_grad=True); "
          "x.prod().backward(); x.grad",
          lambda p, d: d.kind == "grad" and "prod" in p.ops and "nan" in d.detail),
    Known("prod of a zero and an overflow: the order decides",
          "new (fuzz, seed 4105): when partial products overflow to inf and another element "
          "is 0, the result is nan or 0 by the order of the multiplications; PyTorch's order "
          "follows the layout (these 32 values: nan as one row, 0 as 4 x 8), numtensor's "
          "gives nan for both",
          "torch.tensor([5.15, -0.0, -1.39, -2.54, 2.42, -2.8, -1.19, 0.5, 1e20, 0.73, 2.34, "
          "-0.84, 1.32, -1.62, -2.67, 0.58]).reshape(4, 4).tile((2,)).prod()",
          lambda p, d: d.kind == "result" and _op(p, "prod") and _special_values(p)
          and re.search(r"values \[*nan\]* != torch's \[*-?0\.0\]*$", d.detail) is not None),
    Known("std of equal values: PyTorch's rounding noise",
          "new (fuzz, seed 3601): std over equal values is exactly 0 here (the corrected "
          "two-pass sum), so its gradient, 0/0, is given as 0; PyTorch's mean of three 1.85 "
          "rounds one ulp off, its std is 2.7e-16 and its gradient a finite -0.41 per element",
          "x = torch.tensor([[[1.85]]], dtype=torch.float64).expand(1, 1, 3).detach()"
          ".requires_grad_(); torch.std(x, dim=(1, 2)).sum().backward(); x.grad",
          lambda p, d: d.kind == "grad" and _op(p, "std") and ".expand(" in p.source()
          and re.search(r"values \[*0\.0(, 0\.0)*\]*(, \[*0\.0(, 0\.0)*\]*)* !=", d.detail)
          is not None),
    Known("float32 std / var overflow",
          "new (fuzz): std/var of float32 values near 1e20 overflow to inf (squares computed in "
          "float32); torch's result is finite",
          "torch.tensor([1e20, -1e20, 0.0]).std()",
          lambda p, d: d.kind == "result" and (
              (_op(p, "std", "var") and "inf" in d.detail)
              # layer_norm's variance of the same values: torch gives nan, numtensor 0
              or (_op(p, "layer_norm") and "e+20" in p.source() and "nan" in d.detail))),
    Known("lerp of 0-d integer tensors",
          "new (fuzz): torch.lerp of 0-d integer tensors with a 0-d float weight promotes them "
          "all and returns a float; numtensor checks the weight's dtype (as torch does for "
          "tensors with dims) and raises",
          "torch.lerp(torch.tensor(8, dtype=torch.int8), torch.tensor(12, dtype=torch.int8), "
          "torch.tensor(0.5))",
          lambda p, d: "lerp(" in p.ops and "for `weight` but got dtype" in d.detail
          and "numtensor raises" in d.detail),
    Known("maximum / minimum backward at NaN",
          "new (fuzz): where either operand of maximum / minimum is NaN torch passes the whole "
          "gradient to both; numtensor passes none",
          "x = torch.tensor([float('nan'), 2.0, 1.0], dtype=torch.float64, requires_grad=True); "
          "torch.maximum(x, torch.tensor([1.0, 2.0, float('nan')], dtype=torch.float64)).sum()"
          ".backward(); x.grad",
          lambda p, d: d.kind == "grad" and _op(p, "maximum", "minimum") and _special_values(p)),
    Known("no complex32 dtype",
          "new (fuzz): numtensor has no complex32 (ComplexHalf); float16 meeting a complex "
          "tensor promotes to complex64 where torch gives complex32 (or raises: its ComplexHalf "
          "kernels are few)",
          "torch.where(torch.ones(2, dtype=torch.float16) > 0, torch.ones(2, dtype=torch.float16), "
          "torch.tensor(1j, dtype=torch.complex128))",
          lambda p, d: p.dtype == "float16" and _complex(p) and (
              "complex64 != torch's complex32" in d.detail or "ComplexHalf" in d.detail)),
]


def memory_unsafe(program):
    return next((k for k in MEMORY_UNSAFE if k.match(program)), None)


def classify(program, disagreement):
    """The TORCH_QUIRKS or NUMTENSOR_BUGS entry explaining a disagreement, or None."""
    for entry in TORCH_QUIRKS + NUMTENSOR_BUGS:
        if entry.match(program, disagreement):
            return entry
    return None
