"""The core-tensor snippets of the lectures (../shared/lectures/*.txt), run on both libraries.

Each snippet runs like an interactive session (the repr of every expression statement
is printed, an exception prints its type and message) once with `torch` bound to
numtensor and once to real torch; the printed transcripts must be identical.  Modern
torch is the oracle where a lecture shows old output.  Random draws cannot agree
value for value, so those snippets print what does not depend on the draw (shapes,
dtypes, ranges, the effect of an operation).  Snippets that need nn, autograd,
advanced indexing, joining, linear algebra, torchvision or a GPU live elsewhere.
"""
import ast
import contextlib
import io
import textwrap
import warnings

import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (required: CI fails without the oracle)


def session(lib, source):
    """The transcript of running source statement by statement, REPL style."""
    ns = {"torch": lib, "np": np}
    out = io.StringIO()
    tree = ast.parse(textwrap.dedent(source))
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for node in tree.body:
            try:
                if isinstance(node, ast.Expr):
                    value = eval(compile(ast.Expression(node.value), "<lecture>", "eval"), ns)
                    if value is not None:
                        print(repr(value))
                else:
                    exec(compile(ast.Module([node], []), "<lecture>", "exec"), ns)
            except Exception as e:  # the lectures show some errors on purpose
                print(f"{type(e).__name__}: {e}")
    return out.getvalue()


def same_transcript(source):
    want = session(torch, source)
    got = session(nt, source)
    assert got == want
    return got


# ---- EE-559 (Fleuret) 1.1-1.6 ----------------------------------------------------------
def test_ee559_fill_mean_std_sum():
    out = same_transcript("""
        x = torch.empty(2, 5)
        x.size()
        x.fill_(1.125)
        x.mean()
        x.std()
        x.sum()
        x.sum().item()
    """)
    assert "tensor(11.2500)" in out and "\n11.25\n" in out


def test_ee559_reading_a_coefficient_and_componentwise_ops():
    out = same_transcript("""
        x = torch.tensor([[11., 12., 13.], [21., 22., 23.]])
        x[1, 2]
        x = torch.tensor([ 10., 20., 30.])
        y = torch.tensor([ 11., 21., 31.])
        x + y
        x * y
        x**2
    """)
    assert "tensor(23.)" in out and "tensor([100., 400., 900.])" in out


def test_ee559_slicing_a_random_tensor():
    same_transcript("""
        x = torch.empty(2, 4).random_(10)
        x.dtype, x.shape
        bool(((x >= 0) & (x < 10) & (x == x.floor())).all())
        bool((x[0] == x[0, :]).all()), x[:, 0].shape
        x[:, 1:3] = -1
        x[:, 1:3]
        bool((x[:, 0] >= 0).all() and (x[:, 3] >= 0).all())
    """)


def test_ee559_dtype_and_device():
    out = same_transcript("""
        x = torch.zeros(1, 3)
        x.dtype, x.device
        x = x.long()
        x.dtype, x.device
    """)
    assert "(torch.int64, device(type='cpu'))" in out


def test_ee559_views_of_a_2d_tensor():
    same_transcript("""
        x = torch.tensor([ [ 1, 3, 0 ],
                           [ 2, 4, 6 ] ])
        x.t()
        x.view(-1)
        x.view(3, -1)
        x.narrow(1, 1, 2)
        x.view(1, 2, 3).expand(3, 2, 3)
    """)


def test_ee559_views_of_a_3d_tensor():
    same_transcript("""
        x = torch.tensor([ [ [ 1, 2, 1 ],
                             [ 2, 1, 2 ] ],
                           [ [ 3, 0, 3 ],
                             [ 0, 3, 0 ] ] ])
        x.narrow(0, 0, 1)
        x.narrow(2, 0, 2)
        x.transpose(0, 1)
        x.transpose(0, 2)
        x.transpose(1, 2)
    """)


def test_ee559_image_batch_manipulations():
    # the CIFAR snippet on a stand-in batch: uint8 HWC images -> float NCHW in [0, 1]
    same_transcript("""
        data = torch.arange(0, 60 * 8 * 8 * 3).remainder(256).to(torch.uint8).view(60, 8, 8, 3)
        x = data.transpose(1, 3).transpose(2, 3).float()
        x = x / 255
        print(x.type(), x.size(), x.min().item(), x.max().item())
        x = x.narrow(0, 0, 48).float()
        x.shape, x.is_contiguous()
        x.transpose_(2, 3)
        x.shape, x.stride()
        x.narrow(1, 1, 2).fill_(0)
        x[0, :, :2, :2]
        (x * 255).round().sum(dim=(0, 2, 3))
        torch.is_nonzero(torch.tensor([1.5]))
    """)


def test_ee559_broadcasting_mean_subtraction():
    same_transcript("""
        x = torch.empty(100, 4).normal_(2)
        x.mean(0).shape
        bool(((x.mean(0) - 2).abs() < 0.5).all())
        x -= x.mean(0)
        bool((x.mean(0).abs() < 1e-5).all())
        A = torch.tensor([[1.], [2.], [3.], [4.]])
        B = torch.tensor([[5., -5., 5., -5., 5.]])
        C = A + B
        C
    """)


def test_ee559_storage():
    out = same_transcript("""
        x = torch.zeros(2, 4)
        x.storage()
        q = x.storage()
        q[4] = 1.0
        x
        y = x.view(2, 2, 2)
        y
        y[1, 1, 0] = 7.0
        x
        y.narrow(0, 1, 1).fill_(3.0)
        x
    """)
    assert "[torch.storage.TypedStorage(dtype=torch.float32, device=cpu) of size 8]" in out


def test_ee559_storage_offset_and_strides():
    # the lecture's torch.empty(0).set_(int64 storage) is an error in modern torch
    out = same_transcript("""
        q = torch.arange(0, 20).storage()
        x = torch.empty(0).set_(q, storage_offset = 5, size = (3, 2), stride = (4, 1))
        x = torch.empty(0, dtype=torch.int64).set_(q, storage_offset = 5, size = (3, 2), stride = (4, 1))
        x
        x.storage_offset(), x.stride()
        q = torch.arange(0., 20.).storage()
        x = torch.empty(0).set_(q, storage_offset = 5, size = (3, 2), stride = (4, 1))
        x
    """)
    assert out.startswith("RuntimeError: Expected a Storage of type float")


def test_ee559_explicit_views_of_a_storage():
    same_transcript("""
        n = torch.linspace(1, 4, 4)
        n
        torch.tensor(0.).set_(n.storage(), 1, (3, 3), (0, 1))
        torch.tensor(0.).set_(n.storage(), 1, (2, 4), (1, 0))
    """)


def test_ee559_view_of_a_transpose_fails():
    out = same_transcript("""
        x = torch.empty(100, 100)
        x.stride()
        y = x.t()
        y.stride()
        y.view(-1)
        y.contiguous().view(-1).shape
        y.reshape(-1).shape
    """)
    assert "RuntimeError: view size is not compatible with input tensor's size and stride" in out


# ---- DATA 586 (d2l chapter 2) ----------------------------------------------------------
def test_d2l_getting_started():
    same_transcript("""
        x = torch.rand(5, 3)
        x.shape, x.dtype, bool(((x >= 0) & (x < 1)).all())
        isinstance(torch.cuda.is_available(), bool)
        x = torch.arange(12, dtype=torch.float32)
        x
        x.numel()
        x.shape
        X = x.reshape(3, 4)
        X
        x.reshape(-1, 4).shape, x.reshape(3, -1).shape
        torch.zeros((2, 3, 4))
        torch.ones((2, 3, 4))
        torch.randn(3, 4).shape
        torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
    """)


def test_d2l_indexing_and_operations():
    same_transcript("""
        X = torch.arange(12, dtype=torch.float32).reshape((3, 4))
        X[-1], X[1:3]
        X[1, 2] = 17
        X
        X[:2, :] = 12
        X
        x = X.reshape(-1)
        torch.exp(x)
        x = torch.tensor([1.0, 2, 4, 8])
        y = torch.tensor([2, 2, 2, 2])
        x + y, x - y, x * y, x / y, x ** y
        X = torch.arange(12, dtype=torch.float32).reshape((3,4))
        Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
        X == Y
        X.sum()
    """)


def test_d2l_broadcasting_and_saving_memory():
    same_transcript("""
        a = torch.arange(3).reshape((3, 1))
        b = torch.arange(2).reshape((1, 2))
        a, b
        a + b
        X = torch.arange(12, dtype=torch.float32).reshape((3,4))
        Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
        before = id(Y)
        Y = Y + X
        id(Y) == before
        Z = torch.zeros_like(Y)
        z_id = id(Z)
        Z[:] = X + Y
        id(Z) == z_id
        Z
        before = id(X)
        X += Y
        id(X) == before
        X
    """)


def test_d2l_conversion_to_python_objects():
    same_transcript("""
        X = torch.arange(12, dtype=torch.float32).reshape((3,4))
        A = X.numpy()
        B = torch.from_numpy(A)
        type(A), type(B).__name__
        A[0, 0] = 100
        X[0, 0], B[0, 0]
        a = torch.tensor([3.5])
        a, a.item(), float(a), int(a)
    """)


def test_d2l_linear_algebra_without_products():
    same_transcript("""
        x = torch.tensor(3.0)
        y = torch.tensor(2.0)
        x + y, x * y, x / y, x**y
        x = torch.arange(3)
        x
        x[2]
        len(x)
        x.shape
        A = torch.arange(6).reshape(3, 2)
        A
        A.T
        A = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
        A == A.T
        torch.arange(24).reshape(2, 3, 4)
        A = torch.arange(6, dtype=torch.float32).reshape(2, 3)
        B = A.clone()
        A, A + B
        A * B
        a = 2
        X = torch.arange(24).reshape(2, 3, 4)
        a + X, (a * X).shape
    """)


def test_d2l_reductions_and_norms():
    same_transcript("""
        x = torch.arange(3, dtype=torch.float32)
        x, x.sum()
        A = torch.arange(6, dtype=torch.float32).reshape(2, 3)
        A.shape, A.sum()
        A.shape, A.sum(axis=0).shape
        A.sum(axis=[0, 1]) == A.sum()
        A.mean(), A.sum() / A.numel()
        A.mean(axis=0), A.sum(axis=0) / A.shape[0]
        sum_A = A.sum(axis=1, keepdims=True)
        sum_A, sum_A.shape
        A / sum_A
        A.cumsum(axis=0)
        y = torch.ones(3, dtype = torch.float32)
        torch.sum(x * y)
        u = torch.tensor([3.0, -4.0])
        torch.norm(u)
        torch.abs(u).sum()
        torch.norm(torch.ones((4, 9)))
        help_text = torch.ones(2, 3), torch.ones(5)
        help_text
    """)


# ---- broadcasting quiz (deep-learning-broadcasting-regression) -----------------------
@pytest.mark.parametrize("a,b", [((5, 1, 3), (5, 1, 3)), ((5, 2, 3, 1), (5, 1, 3, 1)),
                                 ((5, 2, 3, 1), (5, 1, 3, 5)), ((5, 3, 3), (5, 2, 3)),
                                 ((5, 3, 3), (5, 3)), ((5, 3, 3), (3, 3))])
def test_broadcasting_quiz(a, b):
    same_transcript(f"""
        torch.broadcast_shapes({a}, {b})
        (torch.zeros{a} + torch.zeros{b}).shape
    """)


# ---- background (Krahenbuhl and Wu notebooks) ----------------------------------------
def test_background_tensors_and_broadcasting():
    same_transcript("""
        torch.zeros(10)
        torch.ones(10)
        torch.ones([4,5])
        v = torch.ones(5)
        print( v.dtype, v.shape )
        v = torch.arange(100)
        v
        v.shape
        m = v.view((10,10))
        m
        m.shape
        a = torch.arange(10)
        b = torch.arange(10)*10
        print( a, b )
        a+b
        a.shape
        a[None].shape
        a[:,None].shape
        c = a[:,None]
        c.shape
        c[:,0]
        d = a[None]
        d.shape
        d[0]
        d[0,:]
        torch.ones([3,2]) + 10
        torch.ones([3,2]) + torch.ones([2,3])
        torch.ones([3,1]) + torch.ones([1,3])
        a[None,:] + b[:,None]
    """)
