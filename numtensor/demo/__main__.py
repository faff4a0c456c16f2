"""python -m numtensor.demo [--epochs N] [--no-tour] [--no-compare]

1. a short tour of lecture snippets (skip it with --no-tour);
2. the EE-559 convnet trained on the digits, the lecture's loop unchanged but for the
   data, with a progress bar per epoch (loss, accuracy, samples/s);
3. the test accuracy, and a table of the time per training step of numtensor and
   PyTorch on the same model and batches (when PyTorch is installed; skip it with
   --no-compare).
"""
import argparse
import os
import statistics
import sys
import time

from . import progress
from .data import digits_28x28


# ---- 1. the tour ----------------------------------------------------------------------------
TOUR = [
    ("EE-559 1.4: tensors and broadcasting",
     "A = torch.tensor([[1.], [2.], [3.], [4.]])\nB = torch.tensor([[5., -5., 5., -5., 5.]])\nA + B"),
    ("EE-559 1.6: views share storage",
     "x = torch.zeros(2, 4)\ny = x.view(2, 2, 2)\ny[1, 1, 0] = 7.0\nx"),
    ("d2l 2.5: automatic differentiation",
     "x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()\nx.grad"),
    ("EE-559: a convolution layer",
     "torch.manual_seed(0)\nconv = torch.nn.Conv2d(1, 2, 3)\n"
     "conv(torch.ones(1, 1, 4, 4)).shape"),
]


def tour(torch):
    print("== a few lecture snippets, with `import numtensor as torch` ==")
    for title, code in TOUR:
        print(f"\n>>> {title}")
        lines = code.splitlines()
        for line in lines:
            print("    " + line)
        scope = {"torch": torch}
        exec("\n".join(lines[:-1]), scope)
        print(eval(lines[-1], scope))
    print()


# ---- 2. the lecture's convnet ---------------------------------------------------------------
def build_model(torch):
    """The EE-559 convnet, as the lecture writes it (its Flattener included)."""
    nn = torch.nn

    class Flattener(nn.Module):
        def forward(self, x):
            return x.view(x.size(0), -1)

    return nn.Sequential(
        nn.Conv2d(1, 32, 5), nn.MaxPool2d(3), nn.ReLU(),
        nn.Conv2d(32, 64, 5), nn.MaxPool2d(2), nn.ReLU(),
        Flattener(),
        nn.Linear(256, 200), nn.ReLU(),
        nn.Linear(200, 10)
    )


def train(torch, data, nb_epochs, batch_size=100, on_first_step=None):
    """The lecture's training loop on `data` (NumPy arrays); returns (model, mu, std)."""
    images, labels = data[0], data[1]
    train_input, train_target = torch.tensor(images), torch.tensor(labels)
    device = torch.device("cpu")
    torch.manual_seed(0)
    model = build_model(torch)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr = 0.1)

    model.to(device)
    criterion.to(device)
    train_input, train_target = train_input.to(device), train_target.to(device)

    mu, std = train_input.mean(), train_input.std()
    train_input.sub_(mu).div_(std)

    steps = (len(images) + batch_size - 1) // batch_size
    for e in range(nb_epochs):
        bar = progress.bar(total=steps, desc=f"epoch {e + 1}/{nb_epochs}")
        seen = correct = 0
        total_loss = 0.0
        t0 = time.perf_counter()
        for input, target in zip(train_input.split(batch_size),
                                 train_target.split(batch_size)):
            output = model(input)
            loss = criterion(output, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if on_first_step is not None:
                on_first_step()
                on_first_step = None
                t0 = time.perf_counter()
            seen += len(target)
            correct += int((output.argmax(1) == target).sum().item())
            total_loss += loss.item() * len(target)
            bar.update(1, loss=total_loss / seen, accuracy=correct / seen,
                       rate=seen / max(time.perf_counter() - t0, 1e-9))
        bar.close()
    return model, mu, std


def test_accuracy(torch, model, mu, std, data):
    test_input = torch.tensor(data[2]).sub_(mu).div_(std)
    with torch.no_grad():
        return (model(test_input).argmax(1) == torch.tensor(data[3])).float().mean().item()


# ---- kernel compilation: said once, before the first step ----------------------------------------
def kernels_cached():
    """Whether the kernel cache already holds compiled matrix-product kernels, which every
    convolution and linear layer runs (a cold cache compiles everything the convnet
    needs on its first step)."""
    import glob
    from .._backends.cpu import codegen
    codegen.configure_numba_cache()
    cache = os.environ.get("NUMBA_CACHE_DIR", "")
    return bool(cache) and bool(glob.glob(os.path.join(cache, "**", "matmul_kernels.*.nbi"),
                                          recursive=True))


def compile_notice(cached):
    if cached:
        return "Loading compiled kernels from the cache (about a second)..."
    return ("Compiling numtensor's kernels for this machine (first run only: about 30-60 s "
            "on 2 cores; they are cached for later runs)...")


# ---- 3. the comparison ----------------------------------------------------------------------
def step_times(torch, data, batch_size=100, steps=12, warmup=3):
    """Seconds per training step of the convnet on the first batches of `data`."""
    torch.manual_seed(0)
    model = build_model(torch)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.tensor(data[0][:batch_size])
    x = (x - x.mean()) / x.std()
    y = torch.tensor(data[1][:batch_size])
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss.item()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def compare(nt, data):
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: no timing comparison (pip install torch).")
        return
    print("\nTime per training step (lecture convnet, batch 100; each library timed in a "
          "block of its own):")
    rows = [("numtensor", step_times(nt, data)), ("PyTorch " + torch.__version__,
                                                  step_times(torch, data))]
    print(f"  {'library':<22s} {'median':>10s} {'best':>10s}")
    for name, (median, best) in rows:
        print(f"  {name:<22s} {median * 1e3:8.1f} ms {best * 1e3:8.1f} ms")
    ratio = rows[0][1][0] / rows[1][1][0]
    print(f"  numtensor / PyTorch: {ratio:.2f}x (median)  "
          f"[numtensor threads: {nt.get_num_threads()}, PyTorch threads: "
          f"{torch.get_num_threads()}]")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m numtensor.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=6, help="training epochs (default 6)")
    parser.add_argument("--no-tour", action="store_true", help="skip the lecture snippets")
    parser.add_argument("--no-compare", action="store_true",
                        help="skip the timing comparison with PyTorch")
    args = parser.parse_args(argv)

    import numtensor as torch
    print(f"numtensor {torch.__version__}: PyTorch's API on Numba kernels")
    # checked before anything runs: the tour compiles kernels too
    print(compile_notice(kernels_cached()) + "\n", flush=True)
    started = time.perf_counter()
    if not args.no_tour:
        tour(torch)
    try:
        data = digits_28x28()
    except ImportError:
        sys.exit("The demo trains on scikit-learn's digits: pip install \"numtensor[demo]\" "
                 "(or pip install scikit-learn tqdm).")
    print(f"EE-559's MNIST convnet on scikit-learn's digits scaled to 28x28: "
          f"{len(data[0])} training and {len(data[2])} test images, batch 100, SGD lr 0.1.")

    def first_step_done():
        progress.write(f"  kernels ready {time.perf_counter() - started:.1f} s after the start "
                       f"(the first training step included)")

    model, mu, std = train(torch, data, args.epochs, on_first_step=first_step_done)
    print(f"\nTest accuracy after {args.epochs} epochs: "
          f"{100 * test_accuracy(torch, model, mu, std, data):.1f}%")
    if not args.no_compare:
        compare(torch, data)


if __name__ == "__main__":
    main()
