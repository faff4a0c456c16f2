"""The cells of notebooks/*.ipynb: ("md", markdown) or ("code", source), lecture code as
the lectures write it with `import numtensor as torch`.  A code cell that starts with
`# raises: ` shows an error the lecture shows; it is tagged `raises-exception`.
tools/make_notebooks.py turns these lists into executed notebooks."""

IMPORT = "import numtensor as torch"

# ---------------------------------------------------------------------------------------
TENSORS = [
    ("md", """
# 01 · Tensors

The background deck's notebooks "04" and "05" (Krähenbühl and Wu): creating tensors, views,
broadcasting, the `repeat` table, and an image as a tensor, with `import numtensor as torch`
and nothing else changed, except where the lecture needs something this notebook cannot have:

* **a random uint8 array instead of `cat.jpg`** (no image file, no PIL): `I` is an array of the
  photo's shape, (853, 1280, 3), and `np.array(I)` is that array;
* **torchvision's `transforms.ToTensor` / `ToPILImage`** (torchvision is not installed) are
  written out below in two lines each: what they compute, with tensor ops;
* **matplotlib instead of tensorboard** for notebook "06": the values the lecture logs are
  drawn with matplotlib at the end."""),
    ("code", IMPORT + """
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline"""),
    ("md", "## Notebook 04: creating tensors"),
    ("code", "torch.zeros(10)"),
    ("code", "torch.ones(10)"),
    ("code", "torch.ones([4,5])"),
    ("code", "v = torch.ones(5)\nprint( v.dtype, v.shape )"),
    ("code", "v = torch.arange(100)\nv"),
    ("code", "v.shape"),
    ("code", "m = v.view((10,10))\nm"),
    ("code", "m.shape"),
    ("md", """
### An image as a tensor

Stand-in for `I = Image.open('cat.jpg')`: a random uint8 array of the photo's shape
(height 853, width 1280, 3 colour channels), drawn with matplotlib."""),
    ("code", """
I = np.random.default_rng(0).integers(0, 256, size=(853, 1280, 3), dtype=np.uint8)
plt.figure(figsize=(3, 2)); plt.imshow(I); plt.axis('off');"""),
    ("code", "np.array(I)"),
    ("code", "np.array(I).shape"),
    ("md", """
Stand-in for `from torchvision import transforms`: `ToTensor` turns an H x W x C uint8 image
into a C x H x W float tensor in [0, 1]; `ToPILImage` goes back (here to an array that
matplotlib draws)."""),
    ("code", """
class transforms:
    class ToTensor:
        def __call__(self, pic):
            return torch.from_numpy(np.array(pic)).permute(2, 0, 1).float().div(255)

    class ToPILImage:
        def __call__(self, pic):
            image = (pic * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
            plt.figure(figsize=(3, 2)); plt.imshow(image); plt.axis('off')"""),
    ("code", """
image_to_tensor = transforms.ToTensor()
image_tensor = image_to_tensor(I)
image_tensor"""),
    ("code", "image_tensor.shape"),
    ("code", "tensor_to_image = transforms.ToPILImage()\ntensor_to_image(image_tensor)"),
    ("md", "## Notebook 05: indexing with `None`, broadcasting and `repeat`"),
    ("code", "a = torch.arange(10)\nb = torch.arange(10)*10\nprint( a, b )"),
    ("code", "a+b"),
    ("code", "a.shape"),
    ("code", "a[None].shape"),
    ("code", "a[:,None].shape"),
    ("code", "c = a[:,None]\nc.shape"),
    ("code", "c[:,0]"),
    ("code", "d = a[None]\nd.shape"),
    ("code", "d[0]"),
    ("code", "d[0,:]"),
    ("code", "torch.ones([3,2]) + 10"),
    ("md", "Shapes (3, 2) and (2, 3) do not broadcast: the lecture shows the error."),
    ("code", "# raises: RuntimeError\ntorch.ones([3,2]) + torch.ones([2,3])"),
    ("code", "torch.ones([3,1]) + torch.ones([1,3])"),
    ("code", "a[None,:] + b[:,None]"),
    ("md", "The same table with explicit copies: `repeat` tiles a tensor, broadcasting does "
           "it without copying."),
    ("code", "a[None,:].repeat(10,1)"),
    ("code", "b[:,None].repeat(1,10)"),
    ("code", "a[None,:].repeat(10,1) + b[:,None].repeat(1,10)"),
    ("code", "a[None,:] * b[:,None]"),
    ("md", """
## Notebook 06: logging, with matplotlib instead of tensorboard

The lecture logs two scalars, two histograms, an image and a noisy curve to tensorboard.
Stand-in: the same values, drawn with matplotlib."""),
    ("code", """
fig, axes = plt.subplots(1, 4, figsize=(14, 3))
axes[0].plot([1, 2], [0, 1], 'o-'); axes[0].set_title('first/some_number')
axes[1].hist(np.array([10,2,5,4,2])); axes[1].set_title('plots/hist1')
axes[2].hist(np.random.rand(20)); axes[2].set_title('plots/hist2')
axes[3].plot([x+0.1*i for i, x in enumerate(np.random.rand(100))]); axes[3].set_title('first/noise')
plt.tight_layout()"""),
    ("code", """
plt.imshow((np.random.rand(3,100,100)*255).astype(np.uint8).transpose(1, 2, 0))
plt.title('img/1'); plt.axis('off');"""),
]

# ---------------------------------------------------------------------------------------
DATA = [
    ("md", """
# 02 · Data manipulation

DATA 586 (Shan Du), after d2l's chapter 2: getting started, indexing and slicing,
operations, broadcasting, saving memory, conversion to other Python objects, and data
preprocessing, with `import numtensor as torch`.

Stand-in: **NumPy instead of pandas** for the preprocessing section (pandas is not a
dependency): the CSV file is read with plain Python and NumPy, and the two pandas steps
(`get_dummies(dummy_na=True)` and `fillna(mean)`) are written out with NumPy.  Random draws
(`rand`, `randn`) print other numbers than the slides: numtensor's generator is not
PyTorch's bit stream."""),
    ("code", IMPORT + "\nx = torch.rand(5, 3)\nprint(x)"),
    ("code", "torch.cuda.is_available()"),
    ("md", "## Getting started"),
    ("code", "x = torch.arange(12, dtype=torch.float32)\nx"),
    ("code", "x.numel()"),
    ("code", "x.shape"),
    ("code", "X = x.reshape(3, 4)\nX"),
    ("code", "torch.zeros((2, 3, 4))"),
    ("code", "torch.ones((2, 3, 4))"),
    ("code", "torch.randn(3, 4)"),
    ("code", "torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])"),
    ("md", "## Indexing and slicing"),
    ("code", "X[-1], X[1:3]"),
    ("code", "X[1, 2] = 17\nX"),
    ("code", "X[:2, :] = 12\nX"),
    ("md", "## Operations\n\n`X` is a view of `x`: the writes above changed `x` too."),
    ("code", "x"),
    ("code", "torch.exp(x)"),
    ("code", """
x = torch.tensor([1.0, 2, 4, 8])
y = torch.tensor([2, 2, 2, 2])
x + y, x - y, x * y, x / y, x ** y"""),
    ("code", """
X = torch.arange(12, dtype=torch.float32).reshape((3,4))
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)"""),
    ("code", "X == Y"),
    ("code", "X.sum()"),
    ("md", "## Broadcasting"),
    ("code", "a = torch.arange(3).reshape((3, 1))\nb = torch.arange(2).reshape((1, 2))\na, b"),
    ("code", "a + b"),
    ("md", "## Saving memory"),
    ("code", "before = id(Y)\nY = Y + X\nid(Y) == before"),
    ("code", """
Z = torch.zeros_like(Y)
print('id(Z):', id(Z))
Z[:] = X + Y
print('id(Z):', id(Z))"""),
    ("code", "before = id(X)\nX += Y\nid(X) == before"),
    ("md", """
## Conversion to other Python objects

`B` is numtensor's tensor class, so its type prints as numtensor's (the slide shows
`torch.Tensor`)."""),
    ("code", "A = X.numpy()\nB = torch.from_numpy(A)\ntype(A), type(B)"),
    ("code", "a = torch.tensor([3.5])\na, a.item(), float(a), int(a)"),
    ("md", "## Data preprocessing"),
    ("code", """
import os

os.makedirs(os.path.join('..', 'data'), exist_ok=True)
data_file = os.path.join('..', 'data', 'house_tiny.csv')
with open(data_file, 'w') as f:
    f.write('''NumRooms,RoofType,Price
NA,NA,127500
2,NA,106000
4,Slate,178100
NA,NA,140000''')"""),
    ("md", """
Stand-in for `pd.read_csv(data_file)`: the columns as NumPy arrays, `NA` read as NaN
(numbers) or None (strings)."""),
    ("code", """
import numpy as np

with open(data_file) as f:
    header, *rows = [line.split(',') for line in f.read().splitlines()]
num_rooms = np.array([np.nan if r[0] == 'NA' else float(r[0]) for r in rows])
roof_type = [None if r[1] == 'NA' else r[1] for r in rows]
price = np.array([int(r[2]) for r in rows])
print(header)
for i in range(len(rows)):
    print(i, num_rooms[i], roof_type[i], price[i])"""),
    ("md", """
Stand-in for `inputs, targets = data.iloc[:, 0:2], data.iloc[:, 2]` and
`pd.get_dummies(inputs, dummy_na=True)`: the roof type becomes two 0/1 columns,
RoofType_Slate and RoofType_nan."""),
    ("code", """
inputs = np.stack([num_rooms,
                   np.array([t == 'Slate' for t in roof_type], dtype=np.float64),
                   np.array([t is None for t in roof_type], dtype=np.float64)], axis=1)
targets = price
print(['NumRooms', 'RoofType_Slate', 'RoofType_nan'])
print(inputs)"""),
    ("md", "Stand-in for `inputs = inputs.fillna(inputs.mean())`: each NaN becomes its "
           "column's mean."),
    ("code", """
inputs = np.where(np.isnan(inputs), np.nanmean(inputs, axis=0), inputs)
print(inputs)"""),
    ("md", "`inputs` and `targets` are NumPy arrays already (pandas would need `.values`)."),
    ("code", "X, y = torch.tensor(inputs), torch.tensor(targets)\nX, y"),
]

# ---------------------------------------------------------------------------------------
LINALG = [
    ("md", """
# 03 · Linear algebra

d2l's linear algebra (scalars, vectors, matrices, tensors, reductions, products, norms),
the background deck's vector and matrix operations, and EE-559 1.4's tensor basics and
least-squares regression on the systolic blood pressure data, with `import numtensor as torch`.

Modern names: the lecture's `torch.gels(B, A)` is `torch.linalg.lstsq(A, B).solution` in
PyTorch 2.x (`gels` was removed), and it is written so below.  The lecture prints only the
first 15 lines of `systolic-blood-pressure-vs-age.dat` and the file is not distributed
with it: the notebook writes those 15 lines to the file and fits them.  `random_` and
`normal_` draw other numbers than the slides, which do not seed the generator (after the
same `torch.manual_seed`, numtensor draws the numbers PyTorch draws)."""),
    ("code", IMPORT + """

x = torch.tensor(3.0)
y = torch.tensor(2.0)

x + y, x * y, x / y, x**y"""),
    ("md", "## Vectors and matrices"),
    ("code", "x = torch.arange(3)\nx"),
    ("code", "x[2]"),
    ("code", "len(x)"),
    ("code", "x.shape"),
    ("code", "A = torch.arange(6).reshape(3, 2)\nA"),
    ("code", "A.T"),
    ("code", "A = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]])\nA == A.T"),
    ("code", "torch.arange(24).reshape(2, 3, 4)"),
    ("md", "## Tensor arithmetic"),
    ("code", """
A = torch.arange(6, dtype=torch.float32).reshape(2, 3)
B = A.clone() # Assign a copy of 'A' to 'B' by allocating new memory
A, A + B"""),
    ("code", "A * B"),
    ("code", "a = 2\nX = torch.arange(24).reshape(2, 3, 4)\na + X, (a * X).shape"),
    ("md", "## Reductions"),
    ("code", "x = torch.arange(3, dtype=torch.float32)\nx, x.sum()"),
    ("code", "A.shape, A.sum()"),
    ("code", "A.shape, A.sum(axis=0).shape"),
    ("code", "A.sum(axis=[0, 1]) == A.sum() # Same as 'A.sum()'"),
    ("code", "A.mean(), A.sum() / A.numel()"),
    ("code", "A.mean(axis=0), A.sum(axis=0) / A.shape[0]"),
    ("code", "sum_A = A.sum(axis=1, keepdims=True)\nsum_A, sum_A.shape"),
    ("code", "A / sum_A"),
    ("code", "A.cumsum(axis=0)"),
    ("md", "## Products"),
    ("code", "y = torch.ones(3, dtype = torch.float32)\nx, y, torch.dot(x, y)"),
    ("code", "torch.sum(x * y)"),
    ("code", "A.shape, x.shape, torch.mv(A, x), A@x"),
    ("code", "B = torch.ones(3, 4)\ntorch.mm(A, B), A@B"),
    ("md", "## Norms"),
    ("code", "u = torch.tensor([3.0, -4.0])\ntorch.norm(u)"),
    ("code", "torch.abs(u).sum()"),
    ("code", "torch.norm(torch.ones((4, 9)))"),
    ("md", """
## The background deck: vector and matrix operations

The deck gives the formulas; each is one call: the norm, element-wise operations, inner and
outer products, the Frobenius norm, the transpose, a 2x4 by 4x3 matrix product and a
matrix-vector product."""),
    ("code", """
v = torch.tensor([1., 2., 3.])
w = torch.tensor([4.3, 1.2, 9.9])
v.norm(), torch.sqrt((v ** 2).sum())"""),
    ("code", "v + w, v - w, v * w, v / w"),
    ("code", "torch.dot(v, w), torch.outer(v, w)"),
    ("code", """
M = torch.tensor([[1., 4.], [2., 5.], [3., 6.]])
M.norm(), M.T"""),
    ("code", """
A = torch.arange(8.).reshape(2, 4)
B = torch.arange(12.).reshape(4, 3)
(A @ B).shape, A @ torch.ones(4)"""),
    ("md", "## EE-559 1.4: tensor basics"),
    ("code", "x = torch.empty(2, 5)\nx.size()"),
    ("code", "x.fill_(1.125)"),
    ("code", "x.mean()"),
    ("code", "x.std()"),
    ("code", "x.sum()"),
    ("code", "x.sum().item()"),
    ("code", "x = torch.tensor([[11., 12., 13.], [21., 22., 23.]])\nx[1, 2]"),
    ("code", """
x = torch.tensor([ 10., 20., 30.])
y = torch.tensor([ 11., 21., 31.])
x + y"""),
    ("code", "x * y"),
    ("code", "x**2"),
    ("code", """
m = torch.tensor([[ 0., 0., 3. ],
                  [ 0., 2., 0. ],
                  [ 1., 0., 0. ]])
m.mv(x)"""),
    ("code", "m @ x"),
    ("code", "x = torch.empty(2, 4).random_(10)\nx"),
    ("code", "x[0]"),
    ("code", "x[0, :]"),
    ("code", "x[:, 0]"),
    ("code", "x[:, 1:3] = -1\nx"),
    ("md", "Solving a linear system (the lecture's `q, _ = torch.gels(y, m)`):"),
    ("code", "y = torch.empty(3).normal_()\ny"),
    ("code", """
m = torch.empty(3, 3).normal_()
q = torch.linalg.lstsq(m, y[:, None]).solution
torch.mm(m, q)"""),
    ("md", "## EE-559 1.4: linear regression on the blood pressure data"),
    ("code", """
with open('systolic-blood-pressure-vs-age.dat', 'w') as f:
    f.write('''39  144
47  220
45  138
47  145
65  162
46  142
67  170
42  124
67  158
56  154
64  162
56  150
59  140
34  110
42  128
''')"""),
    ("code", """
import numtensor as torch, numpy

data = torch.tensor(numpy.loadtxt('systolic-blood-pressure-vs-age.dat'))
nb_samples = data.size(0)

x, y = torch.empty(nb_samples, 2), torch.empty(nb_samples, 1)

x[:, 0] = data[:, 0]
x[:, 1] = 1

y[:, 0] = data[:, 1]

alpha = torch.linalg.lstsq(x, y).solution

a, b = alpha[0, 0].item(), alpha[1, 0].item()
a, b"""),
    ("code", """
import matplotlib.pyplot as plt
%matplotlib inline

plt.scatter(data[:, 0].numpy(), data[:, 1].numpy(), label='data')
ages = torch.linspace(30, 70, 2)
plt.plot(ages.numpy(), (a * ages + b).numpy(), 'r-', label=f'{a:.2f} x + {b:.1f}')
plt.xlabel('age'); plt.ylabel('systolic blood pressure'); plt.legend();"""),
]

# ---------------------------------------------------------------------------------------
INTERNALS = [
    ("md", """
# 04 · Tensor internals

EE-559 1.5 (high dimension tensors) and 1.6 (tensor internals): dtypes and devices, views
(`view`, `narrow`, `expand`, `transpose`), broadcasting, storage, `set_`, strides and
`contiguous`, with `import numtensor as torch`.

Stand-ins:

* **scikit-learn's digits instead of CIFAR10** (no download): 1797 grey digits scaled to
  28x28 (`numtensor.demo.data`), repeated over three colour channels, give an array laid out
  as `cifar.train_data` is (N x H x W x C, uint8);
* **matplotlib instead of `torchvision.utils.save_image`**: a small function below draws
  the same grid of images.

The lecture moves a tensor to `'cuda'`; here it moves to `'cuda'` when a CUDA device is
available and stays on the CPU otherwise.  Modern PyTorch refuses the lecture's
`torch.empty(0).set_(torch.arange(0, 20).storage(), ...)` (a float tensor on an int64
storage; the slide is from a PyTorch whose `arange` made floats): the cell shows that error,
then uses a float storage."""),
    ("code", IMPORT + "\n\nx = torch.zeros(1, 3)\nx.dtype, x.device"),
    ("code", "x = x.long()\nx.dtype, x.device"),
    ("code", "x = x.to('cuda' if torch.cuda.is_available() else 'cpu')\nx.dtype, x.device"),
    ("md", "## Views: `t`, `view`, `narrow`, `expand`, `transpose`"),
    ("code", "x = torch.tensor([ [ 1, 3, 0 ],\n                  [ 2, 4, 6 ] ])\nx.t()"),
    ("code", "x.view(-1)"),
    ("code", "x.view(3, -1)"),
    ("code", "x.narrow(1, 1, 2)"),
    ("code", "x.view(1, 2, 3).expand(3, 2, 3)"),
    ("code", """
x = torch.tensor([ [ [ 1, 2, 1 ],
                     [ 2, 1, 2 ] ],
                     [ [ 3, 0, 3 ],
                     [ 0, 3, 0 ] ] ])
x.narrow(0, 0, 1)"""),
    ("code", "x.narrow(2, 0, 2)"),
    ("code", "x.transpose(0, 1)"),
    ("code", "x.transpose(0, 2)"),
    ("code", "x.transpose(1, 2)"),
    ("md", """
## An image data base

Stand-in for `torchvision.datasets.CIFAR10(...)`: `cifar.train_data` is the digits as an
N x 28 x 28 x 3 uint8 array."""),
    ("code", """
import numpy as np
from types import SimpleNamespace
from numtensor.demo.data import digits_28x28

digits = digits_28x28(train=1797)[0]                      # (1797, 1, 28, 28), 0..255
cifar = SimpleNamespace(train_data=np.repeat(digits.transpose(0, 2, 3, 1), 3, axis=3).astype(np.uint8))
cifar.train_data.shape, cifar.train_data.dtype"""),
    ("code", """
x = torch.from_numpy(cifar.train_data).transpose(1, 3).transpose(2, 3).float()
x = x / 255
print(x.type(), x.size(), x.min().item(), x.max().item())"""),
    ("md", "Stand-in for `torchvision.utils.save_image`: the images in a grid of `nrow` "
           "columns, drawn with matplotlib (and saved)."),
    ("code", """
import matplotlib.pyplot as plt
%matplotlib inline

def save_image(x, filename, nrow):
    n, c, h, w = x.size()
    rows = (n + nrow - 1) // nrow
    grid = torch.zeros(c, rows * (h + 2), nrow * (w + 2))
    for k in range(n):
        i, j = divmod(k, nrow)
        grid[:, i * (h + 2) + 1:i * (h + 2) + 1 + h, j * (w + 2) + 1:j * (w + 2) + 1 + w] = x[k]
    image = grid.permute(1, 2, 0).clamp(0, 1).numpy()
    plt.figure(figsize=(0.6 * nrow, 0.6 * rows + 0.3)); plt.imshow(image); plt.axis('off'); plt.title(filename)
    plt.imsave(filename, image)"""),
    ("code", """
# Narrows to the first images, converts to float
x = x.narrow(0, 0, 48).float()

# Saves these samples as a single image
save_image(x, 'cifar-4x12.png', nrow = 12)"""),
    ("code", """
# Switches the row and column indexes
x.transpose_(2, 3)
save_image(x, 'cifar-4x12-rotated.png', nrow = 12)"""),
    ("code", """
# Kills the green and blue channels
x.narrow(1, 1, 2).fill_(0)
save_image(x, 'cifar-4x12-rotated-and-red.png', nrow = 12)"""),
    ("md", "## Broadcasting"),
    ("code", "x = torch.empty(100, 4).normal_(2)\nx.mean(0)"),
    ("code", "x -= x.mean(0) # This should not work!\nx.mean(0)"),
    ("code", """
A = torch.tensor([[1.], [2.], [3.], [4.]])
B = torch.tensor([[5., -5., 5., -5., 5.]])
C = A + B
C"""),
    ("md", "## Storage"),
    ("code", "x = torch.zeros(2, 4)\nx.storage()"),
    ("code", "q = x.storage()\nq[4] = 1.0\nx"),
    ("code", "y = x.view(2, 2, 2)\ny"),
    ("code", "y[1, 1, 0] = 7.0\nx"),
    ("code", "y.narrow(0, 1, 1).fill_(3.0)"),
    ("code", "x"),
    ("md", "## Offsets and strides: `set_`"),
    ("code", """
# raises: RuntimeError
q = torch.arange(0, 20).storage()
x = torch.empty(0).set_(q, storage_offset = 5, size = (3, 2), stride = (4, 1))"""),
    ("code", """
q = torch.arange(0., 20.).storage()
x = torch.empty(0).set_(q, storage_offset = 5, size = (3, 2), stride = (4, 1))
x"""),
    ("code", "x.storage_offset(), x.stride()"),
    ("code", "n = torch.linspace(1, 4, 4)\nn"),
    ("code", "torch.tensor(0.).set_(n.storage(), 1, (3, 3), (0, 1))"),
    ("code", "torch.tensor(0.).set_(n.storage(), 1, (2, 4), (1, 0))"),
    ("md", "## Contiguity"),
    ("code", "x = torch.empty(100, 100)\nx.stride()"),
    ("code", "y = x.t()\ny.stride()"),
    ("code", "# raises: RuntimeError\ny.view(-1)"),
    ("code", "y.is_contiguous(), y.contiguous().view(-1).shape, y.reshape(-1).shape"),
]

# ---------------------------------------------------------------------------------------
AUTOGRAD = [
    ("md", """
# 05 · Automatic differentiation

d2l's calculus (derivatives, the plotting helpers, the tangent-line plot) and automatic
differentiation (gradients, backward for non-scalars, detach, Python control flow), and the
background deck's gradients, Jacobians and chain rule, with `import numtensor as torch`.

Stand-in: the `d2l` package is not installed; its `plt` is matplotlib's, so `d2l` below is a
namespace holding `plt`, and the helpers the lecture defines (`use_svg_display`,
`set_figsize`, `set_axes`, `plot`) are defined as the lecture writes them.

One correction: the slide's `y.backward(grad=torch.ones(len(y)))` raises a `TypeError` in
PyTorch (the argument is `gradient`); the notebook shows that error, then uses `gradient=`."""),
    ("code", """
%matplotlib inline
import numpy as np
from matplotlib_inline import backend_inline
""" + IMPORT + """
def f(x):
    return 3 * x ** 2 - 4 * x"""),
    ("code", """
for h in 10.0**np.arange(-1, -6, -1):
    print(f'h={h:.5f}, numerical limit={(f(1+h)-f(1))/h:.5f}')"""),
    ("md", "## Visualization utilities"),
    ("code", """
from types import SimpleNamespace
from matplotlib import pyplot as plt
d2l = SimpleNamespace(plt=plt)   # stand-in for the d2l package"""),
    ("code", """
def use_svg_display():  #@save
    \"\"\"Use the svg format to display a plot in Jupyter.\"\"\"
    backend_inline.set_matplotlib_formats('svg')"""),
    ("code", """
def set_figsize(figsize=(3.5, 2.5)): #@save
    \"\"\"Set the figure size for matplotlib.\"\"\"
    use_svg_display()
    d2l.plt.rcParams['figure.figsize'] = figsize"""),
    ("code", """
#@save
def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    \"\"\"Set the axes for matplotlib.\"\"\"
    axes.set_xlabel(xlabel), axes.set_ylabel(ylabel)
    axes.set_xscale(xscale), axes.set_yscale(yscale)
    axes.set_xlim(xlim), axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()"""),
    ("code", """
#@save
def plot(X, Y=None, xlabel=None, ylabel=None, legend=[], xlim=None,
         ylim=None, xscale='linear', yscale='linear',
         fmts=('-', 'm--', 'g-.', 'r:'), figsize=(3.5, 2.5), axes=None):
    \"\"\"Plot data points.\"\"\"

    def has_one_axis(X): # True if 'X' (tensor or list) has 1 axis
        return (hasattr(X, "ndim") and X.ndim == 1 or isinstance(X, list)
                and not hasattr(X[0], "__len__"))

    if has_one_axis(X): X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)

    set_figsize(figsize)
    if axes is None: axes = d2l.plt.gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        axes.plot(x,y,fmt) if len(x) else axes.plot(y,fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)"""),
    ("code", """
x = np.arange(0, 3, 0.1)
plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])"""),
    ("md", "The same plot with tensors: `plot` takes numtensor tensors as it takes PyTorch's."),
    ("code", """
x = torch.arange(0, 3, 0.1)
plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])"""),
    ("md", "## A simple function"),
    ("code", "x = torch.arange(4.)\nx"),
    ("code", "# Better create x = torch.arange(4.0, requires_grad=True)\n"
             "x.requires_grad_(True)\nx.grad # The default value is None"),
    ("code", "y = 2 * torch.dot(x, x)\ny"),
    ("code", "y.backward()\nx.grad"),
    ("code", "x.grad == 4 * x"),
    ("code", "x.grad.zero_() # Reset the gradient\ny = x.sum()\ny.backward()\nx.grad"),
    ("md", "## Backward for non-scalar variables"),
    ("code", "# raises: TypeError\nx.grad.zero_()\ny = x * x\n"
             "y.backward(grad=torch.ones(len(y))) # Faster: y.sum().backward()"),
    ("code", "x.grad.zero_()\ny = x * x\n"
             "y.backward(gradient=torch.ones(len(y))) # Faster: y.sum().backward()\nx.grad"),
    ("md", "## Detaching computation"),
    ("code", """
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
x.grad == u"""),
    ("code", "x.grad.zero_()\ny.sum().backward()\nx.grad == 2 * x"),
    ("md", "## Gradients and Python control flow"),
    ("code", """
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c"""),
    ("code", "a = torch.randn(size=(), requires_grad=True)\nd = f(a)\nd.backward()"),
    ("md", "`f` is linear in `a` (piecewise), so its gradient is `d / a`:"),
    ("code", "a.grad == d / a"),
    ("md", """
## The background deck: gradients, Jacobians, the chain rule

The gradient of a scalar function of a vector, the Jacobian of a vector function (one
backward pass per output), and the chain rule: the Jacobian of `f(g(x))` is the product of
the Jacobians."""),
    ("code", """
x = torch.tensor([1., 2., 3.], requires_grad=True)
f_x = (x ** 2).sum()                      # f: R^3 -> R
torch.autograd.grad(f_x, x)[0]            # [2 x_0, 2 x_1, 2 x_2]"""),
    ("code", """
W = torch.tensor([[1., 2., 0.], [0., 1., -1.]])
g = lambda x: torch.tanh(W @ x)           # g: R^3 -> R^2
h = lambda u: torch.stack([u.sum(), (u ** 2).sum(), u.prod()])   # h: R^2 -> R^3

def jacobian(fn, x):
    x = x.detach().requires_grad_(True)
    out = fn(x)
    return torch.stack([torch.autograd.grad(out[i], x, retain_graph=True)[0] for i in range(len(out))])

J_hg = jacobian(lambda x: h(g(x)), x)
J_h, J_g = jacobian(h, g(x).detach()), jacobian(g, x)
J_hg.shape, J_h.shape, J_g.shape, torch.allclose(J_hg, J_h @ J_g)"""),
]

# ---------------------------------------------------------------------------------------
PROBABILITY = [
    ("md", """
# 06 · Probability

d2l's coin tosses, `Multinomial` and the convergence of the estimated probabilities, the
documentation helpers (`dir`, `help`), and the background deck's probabilities, sampling and
expectation, with `import numtensor as torch`.

Stand-ins: `from torch.distributions.multinomial import Multinomial` is written
`from numtensor.distributions.multinomial import Multinomial` (a `from ... import` names the
package itself, not the `torch` alias); the `d2l` package is not installed, so `d2l` is a
namespace holding matplotlib's `plt` and the `set_figsize` helper.  The lecture stops after
the first tosses; the `Multinomial` cells and the plot follow d2l's section 2.6, which it
cites.  The draws differ from the slides, which were not seeded (after the same
`torch.manual_seed`, numtensor draws the numbers PyTorch draws)."""),
    ("code", """
%matplotlib inline
import random
""" + IMPORT + """
from numtensor.distributions.multinomial import Multinomial
from types import SimpleNamespace
from matplotlib import pyplot as plt
d2l = SimpleNamespace(plt=plt, set_figsize=lambda figsize=(3.5, 2.5): plt.rcParams.update({'figure.figsize': figsize}))"""),
    ("code", """
num_tosses = 100
heads = sum([random.random() > 0.5 for _ in range(100)])
tails = num_tosses - heads
print("heads, tails: ", [heads, tails])"""),
    ("code", "fair_probs = torch.tensor([0.5, 0.5])\nMultinomial(100, fair_probs).sample()"),
    ("code", "Multinomial(100, fair_probs).sample() / 100"),
    ("code", "counts = Multinomial(10000, fair_probs).sample()\ncounts / 10000"),
    ("code", """
counts = Multinomial(1, fair_probs).sample((10000,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
estimates = estimates.numpy()

d2l.set_figsize((4.5, 3.5))
d2l.plt.plot(estimates[:, 0], label=("P(coin=heads)"))
d2l.plt.plot(estimates[:, 1], label=("P(coin=tails)"))
d2l.plt.axhline(y=0.5, color='black', linestyle='dashed')
d2l.plt.gca().set_xlabel('Samples')
d2l.plt.gca().set_ylabel('Estimated probability')
d2l.plt.legend();"""),
    ("md", "## Documentation\n\nnumtensor's `distributions` holds fewer classes than PyTorch's, "
           "and `help` shows numtensor's signatures and its shorter docstrings."),
    ("code", "print(dir(torch.distributions))"),
    ("code", "help(torch.ones)"),
    ("md", """
## The background deck: distributions, sampling, expectation

A discrete distribution P over events 0..n-1, samples a ~ P, and the expectation
E[f(a)] = sum_a P(a) f(a), estimated by the mean of f over samples; linearity of
expectation holds for sums, not for products."""),
    ("code", """
torch.manual_seed(0)
P = torch.tensor([0.1, 0.2, 0.3, 0.4])
a = torch.multinomial(P, 100000, replacement=True)     # a ~ P
torch.bincount(a) / len(a)                              # empirical probabilities"""),
    ("code", """
events = torch.arange(4.)
f = lambda a: a ** 2
g = lambda a: 3 * a + 1
exact = (P * f(events)).sum()
sampled = f(a.float()).mean()
exact, sampled"""),
    ("code", """
af = a.float()
(f(af) + g(af)).mean(), f(af).mean() + g(af).mean(), (f(af) * g(af)).mean(), f(af).mean() * g(af).mean()"""),
    ("code", """
sizes = torch.logspace(1, 5, 20).long()
estimates = [f(af[:n]).mean().item() for n in sizes]
plt.figure(figsize=(4.5, 3))
plt.semilogx(sizes.numpy(), estimates, 'o-', label='mean of f over n samples')
plt.axhline(exact.item(), color='black', linestyle='dashed', label='E[f(a)]')
plt.xlabel('n'); plt.legend();"""),
]

# ---------------------------------------------------------------------------------------
REGRESSION = [
    ("md", """
# 07 · Regression

The "Deep Learning" deck's coding sessions: linear regression y = ax + b with the squared
error 0.5 (prediction - actual)^2 trained by stochastic gradient descent (a dataset of 10
points, minibatches of 8), softmax regression for multiclass classification, and binary
cross-entropy for multilabel classification, each with its loss curve, with
`import numtensor as torch`.  The deck shows the formulas; the code is the usual PyTorch
code for them.  Stand-in: scikit-learn's 8x8 digits as the classification data (no download)."""),
    ("code", IMPORT + """
torch.manual_seed(0)

import matplotlib.pyplot as plt
%matplotlib inline"""),
    ("md", "## Linear regression with SGD"),
    ("code", """
x = torch.linspace(0, 1, 10)                   # dataset size = 10
y = 3 * x + 2 + 0.1 * torch.randn(10)          # a = 3, b = 2, plus noise

a = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr, losses = 0.5, []
for step in range(300):
    i = torch.randperm(10)[:8]                 # samples = 8
    predictions = a * x[i] + b
    loss = (0.5 * (predictions - y[i]) ** 2).mean()
    loss.backward()
    with torch.no_grad():                      # (a, b) <- (a, b) - lr * mean gradient
        a -= lr * a.grad
        b -= lr * b.grad
    a.grad.zero_(); b.grad.zero_()
    losses.append(loss.item())
a.item(), b.item()"""),
    ("code", """
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(9, 3))
ax0.plot(losses); ax0.set_yscale('log'); ax0.set_xlabel('step'); ax0.set_ylabel('loss')
ax1.scatter(x.numpy(), y.numpy())
ax1.plot(x.numpy(), (a * x + b).detach().numpy(), 'r-'); ax1.set_xlabel('x'); ax1.set_ylabel('y');"""),
    ("md", "The same model with `nn.Linear`, `nn.MSELoss` and `optim.SGD`:"),
    ("code", """
model = torch.nn.Linear(1, 1)
criterion = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for step in range(300):
    i = torch.randperm(10)[:8]
    loss = 0.5 * criterion(model(x[i, None]), y[i, None])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
model.weight.item(), model.bias.item()"""),
    ("md", """
## Softmax regression (multiclass classification)

The log-likelihood of the labels under a softmax of a linear function of the 64 pixels of
scikit-learn's digits: `nn.CrossEntropyLoss` is the negative mean of
y_1 log P(y_1) + ... + y_k log P(y_k) for one-hot y."""),
    ("code", """
from sklearn.datasets import load_digits

digits = load_digits()
X = torch.tensor(digits.data, dtype=torch.float32) / 16
labels = torch.tensor(digits.target)
X_train, y_train, X_test, y_test = X[:1500], labels[:1500], X[1500:], labels[1500:]
X.shape, labels[:10]"""),
    ("code", """
model = torch.nn.Linear(64, 10)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
criterion = torch.nn.CrossEntropyLoss()
softmax_losses = []
for epoch in range(10):
    for input, target in zip(X_train.split(100), y_train.split(100)):
        loss = criterion(model(input), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        softmax_losses.append(loss.item())
with torch.no_grad():
    accuracy = (model(X_test).argmax(1) == y_test).float().mean()
accuracy"""),
    ("md", "The loss written out: minus the log-probability the model gives the true class."),
    ("code", """
with torch.no_grad():
    P = torch.softmax(model(X_test), dim=1)
    one_hot = torch.nn.functional.one_hot(y_test, 10).float()
    by_hand = -(one_hot * P.log()).sum(1).mean()
by_hand, criterion(model(X_test), y_test)"""),
    ("md", """
## Binary cross-entropy (multilabel classification)

Two labels per digit, "is even" and "is greater than 4", each a Bernoulli variable:
the loss is minus the mean of y log P(y) + (1 - y) log(1 - P(y)) over both labels."""),
    ("code", """
def two_labels(t):
    return torch.stack([(t % 2 == 0), (t > 4)], dim=1).float()

model = torch.nn.Linear(64, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
criterion = torch.nn.BCELoss()
bce_losses = []
for epoch in range(10):
    for input, target in zip(X_train.split(100), two_labels(y_train).split(100)):
        loss = criterion(torch.sigmoid(model(input)), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        bce_losses.append(loss.item())
with torch.no_grad():
    p = torch.sigmoid(model(X_test))
    y = two_labels(y_test)
    by_hand = -(y * p.log() + (1 - y) * (1 - p).log()).mean()
    accuracy = ((p > 0.5).float() == y).float().mean(0)
by_hand, criterion(p, y), accuracy"""),
    ("code", """
plt.figure(figsize=(5, 3))
plt.plot(softmax_losses, label='softmax regression (cross-entropy)')
plt.plot(bce_losses, label='two labels (binary cross-entropy)')
plt.xlabel('step'); plt.ylabel('training loss'); plt.legend();"""),
]

# ---------------------------------------------------------------------------------------
CONVNET = [
    ("md", """
# 08 · The EE-559 convnet

EE-559 1.2's convolutional network, trained with the lecture's code and
`import numtensor as torch`, on the CUDA device when one is available.

Stand-ins and changes:

* **scikit-learn's digits instead of MNIST** (no download): 1797 8x8 digits scaled to
  MNIST's 28x28 and 0..255 range by `numtensor.demo.data.digits_28x28`, 1000 to train and 797
  to test;
* **3 epochs instead of 10**, on 1000 images instead of 60,000, so that the notebook trains
  in seconds on a laptop CPU: 30 steps of SGD, hence a test error far above the lecture's
  1% (which takes 10 epochs of MNIST's 60,000 images);
* the loop also records each minibatch's loss (`losses.append(loss.item())`) for the plot;
* `Flattener`, which the slide uses without showing it, is the usual `x.view(x.size(0), -1)`."""),
    ("code", IMPORT + """
from torch import nn
import time
import matplotlib.pyplot as plt
%matplotlib inline
from numtensor.demo.data import digits_28x28

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
device""".replace("from torch import nn", "nn = torch.nn")),
    ("code", """
images, labels, test_images, test_labels = digits_28x28(train=1000)
train_input, train_target = torch.tensor(images), torch.tensor(labels)
test_input, test_target = torch.tensor(test_images), torch.tensor(test_labels)
train_input.size(), train_target.size(), test_input.size()"""),
    ("code", """
class Flattener(nn.Module):
    def forward(self, x):
        return x.view(x.size(0), -1)"""),
    ("code", """
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 32, 5), nn.MaxPool2d(3), nn.ReLU(),
    nn.Conv2d(32, 64, 5), nn.MaxPool2d(2), nn.ReLU(),
    Flattener(),
    nn.Linear(256, 200), nn.ReLU(),
    nn.Linear(200, 10)
)

nb_epochs, batch_size = 3, 100
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr = 0.1)

model.to(device)
criterion.to(device)
train_input, train_target = train_input.to(device), train_target.to(device)

mu, std = train_input.mean(), train_input.std()
train_input.sub_(mu).div_(std)

losses, start = [], time.perf_counter()
for e in range(nb_epochs):
    for input, target in zip(train_input.split(batch_size),
                             train_target.split(batch_size)):
        output = model(input)
        loss = criterion(output, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
print(f'{nb_epochs} epochs on {device}: {time.perf_counter() - start:.1f} s')"""),
    ("code", """
plt.figure(figsize=(5, 3))
plt.plot(losses)
plt.xlabel('minibatch'); plt.ylabel('cross-entropy loss'); plt.title('EE-559 convnet on the digits');"""),
    ("code", """
test_input, test_target = test_input.to(device), test_target.to(device)
test_input.sub_(mu).div_(std)
with torch.no_grad():
    nb_errors = (model(test_input).argmax(1) != test_target).sum().item()
print(f'test error {100 * nb_errors / test_input.size(0):.1f}% ({nb_errors}/{test_input.size(0)})')"""),
]

# ---------------------------------------------------------------------------------------
BENCHMARKS = [
    ("md", """
# 09 · A quick benchmark

`python -m benchmarks` (the project's benchmark package, see README's Performance section)
times numtensor, NumPy and PyTorch (when installed) side by side in one run and draws
plots.  This notebook runs a small part of it, the contiguous element-wise `add` at three
sizes in `--quick` mode (a few seconds after the kernels are cached), and shows the report's
plots inline.  The full report is `python -m benchmarks`; see the package's `--help`.

The figures depend on the machine and on its load: a shared machine gives noisy ratios."""),
    ("code", IMPORT + """
import os, subprocess, sys, tempfile

repo = os.path.dirname(os.path.dirname(torch.__file__))   # the checkout holding benchmarks/
out = tempfile.mkdtemp(prefix='numtensor-bench-')
run = subprocess.run([sys.executable, '-m', 'benchmarks', '--quick',
                      '--only', 'elementwise/add contiguous', '--out', out],
                     cwd=repo, capture_output=True, text=True)
print(run.stdout[-3000:])
run.check_returncode()"""),
    ("code", """
from IPython.display import Image, Markdown, display

report = open(os.path.join(out, 'report.md')).read()
tables = [line for line in report.splitlines() if line.startswith('|')]
display(Markdown('\\n'.join(tables)))
for name in ['elementwise.png', 'roofline.png']:
    display(Image(filename=os.path.join(out, name)))"""),
]

NOTEBOOKS = {
    "01-tensors": TENSORS,
    "02-data-manipulation": DATA,
    "03-linear-algebra": LINALG,
    "04-tensor-internals": INTERNALS,
    "05-autograd": AUTOGRAD,
    "06-probability": PROBABILITY,
    "07-regression": REGRESSION,
    "08-mnist-convnet": CONVNET,
    "09-benchmarks": BENCHMARKS,
}
