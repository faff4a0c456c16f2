"""The lecture and d2l training code that needs nn/optim/data/distributions, run unchanged
on numtensor (`lib` plays `torch`) and on torch from the same weights and batches: the
loss must fall, and both libraries must follow the same trajectory."""
import random

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import copy_weights, torch


def both(fn, *args, **kwargs):
    """fn(torch_module_or_numtensor, ...) for each library: (numtensor result, torch result)."""
    return fn(nt, *args, **kwargs), fn(torch, *args, **kwargs)


def assert_same_trajectory(got, want, rtol=2e-4, atol=1e-6):
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=rtol, atol=atol)


# ---- "Deep Learning" deck: linear regression, y = ax + b, SGD on 8 of 10 samples -----------
def deck_linear_regression(torch):
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.uniform(-1, 1, 10), dtype=torch.float32)
    y = 3.0 * x + 0.5 + torch.tensor(rng.normal(0, 0.05, 10), dtype=torch.float32)
    a = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    lr, losses = 0.5, []
    for step in range(60):
        idx = torch.tensor(rng.choice(10, size=8, replace=False))  # 8 samples of the 10
        predictions = a * x[idx] + b
        loss = (0.5 * (predictions - y[idx]) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            a -= lr * a.grad
            b -= lr * b.grad
            a.grad.zero_()
            b.grad.zero_()
        losses.append(loss.item())
    return losses, a.item(), b.item()


def test_deck_linear_regression():
    (losses, a, b), (want_losses, want_a, want_b) = both(deck_linear_regression)
    assert losses[-1] < 0.01 * losses[0]
    assert a == pytest.approx(3.0, abs=0.1) and b == pytest.approx(0.5, abs=0.1)
    assert_same_trajectory(losses, want_losses)
    assert a == pytest.approx(want_a, rel=1e-5)


# ---- "Deep Learning" deck: softmax regression and binary cross entropy -------------------------
def _blobs(n, classes, dims, seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (classes, dims))
    labels = rng.integers(0, classes, n)
    return (centres[labels] + rng.normal(0, 1, (n, dims))).astype(np.float32), labels


def deck_softmax_regression(torch, weights):
    X, labels = _blobs(120, 3, 2, seed=1)
    X, y = torch.tensor(X), torch.tensor(labels)
    model = torch.nn.Linear(2, 3)
    copy_into(torch, model, weights)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    criterion = torch.nn.CrossEntropyLoss()
    losses = []
    for epoch in range(40):
        optimizer.zero_grad()
        logits = model(X)
        probs = torch.softmax(logits, dim=1)  # P(y|x) for each class
        loss = criterion(logits, y)
        manual = -(probs[torch.arange(len(y)), y]).log().mean()  # the slide's formula
        assert abs(loss.item() - manual.item()) < 1e-4
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    accuracy = (model(X).argmax(dim=1) == y).float().mean().item()
    return losses, accuracy


def deck_multilabel_bce(torch, weights):
    rng = np.random.default_rng(2)
    X = rng.normal(0, 1, (100, 4)).astype(np.float32)
    Y = (X @ rng.normal(0, 2, (4, 3)) > 0).astype(np.float32)  # 3 labels per sample
    X, Y = torch.tensor(X), torch.tensor(Y)
    model = torch.nn.Linear(4, 3)
    copy_into(torch, model, weights)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for epoch in range(60):
        optimizer.zero_grad()
        p = torch.sigmoid(model(X))
        # y log P(y) + (1 - y) log(1 - P(y)), summed over the labels, averaged
        manual = -(Y * torch.log(p) + (1 - Y) * torch.log(1 - p)).mean()
        loss = torch.nn.BCELoss()(p, Y)
        assert abs(loss.item() - manual.item()) < 1e-5
        with_logits = torch.nn.functional.binary_cross_entropy_with_logits(model(X), Y)
        assert abs(loss.item() - with_logits.item()) < 1e-5
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    accuracy = ((model(X) > 0).float() == Y).float().mean().item()
    return losses, accuracy


def copy_into(lib, model, weights):
    with lib.no_grad():
        model.weight.copy_(lib.tensor(weights[0]))
        model.bias.copy_(lib.tensor(weights[1]))


@pytest.mark.parametrize("task,shape", [(deck_softmax_regression, (3, 2)),
                                        (deck_multilabel_bce, (3, 4))])
def test_deck_classification(task, shape):
    rng = np.random.default_rng(5)
    weights = (rng.normal(0, 0.1, shape).astype(np.float32),
               np.zeros(shape[0], dtype=np.float32))
    (losses, accuracy), (want_losses, want_accuracy) = both(task, weights)
    assert losses[-1] < 0.5 * losses[0] and accuracy > 0.85
    assert_same_trajectory(losses, want_losses)
    assert accuracy == pytest.approx(want_accuracy, abs=0.02)


# ---- d2l 3.4: linear regression from scratch ---------------------------------------------------
def d2l_linear_regression_scratch(torch, w_init):
    true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
    rng = np.random.default_rng(3)
    X = torch.tensor(rng.normal(0, 1, (1000, 2)).astype(np.float32))
    noise = torch.tensor(rng.normal(0, 0.01, (1000, 1)).astype(np.float32))
    y = torch.matmul(X, true_w.reshape((-1, 1))) + true_b + noise
    w = torch.tensor(w_init, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    lr, batch_size, losses = 0.03, 32, []
    order = random.Random(0)
    for epoch in range(3):
        indices = list(range(1000))
        order.shuffle(indices)
        for i in range(0, 1000, batch_size):
            batch_indices = torch.tensor(indices[i: i + batch_size])
            Xb, yb = X[batch_indices], y[batch_indices]
            y_hat = torch.matmul(Xb, w) + b
            loss = ((y_hat - yb) ** 2 / 2).mean()
            loss.backward()
            with torch.no_grad():
                for param in (w, b):
                    param -= lr * param.grad
                    param.grad.zero_()
        with torch.no_grad():
            losses.append((((torch.matmul(X, w) + b) - y) ** 2 / 2).mean().item())
    return losses, w.detach().reshape(-1).tolist(), b.item()


def test_d2l_linear_regression_from_scratch():
    w_init = np.random.default_rng(4).normal(0, 0.01, (2, 1)).astype(np.float32)
    (losses, w, b), (want_losses, want_w, want_b) = both(d2l_linear_regression_scratch, w_init)
    # 3 epochs of 32 steps at lr 0.03 shrink the error by about 0.97**96 = 0.05
    assert losses[-1] < 0.1 * losses[0] and losses[0] > losses[1] > losses[2]
    assert w == pytest.approx([2.0, -3.4], abs=0.3) and b == pytest.approx(4.2, abs=0.3)
    assert_same_trajectory(losses, want_losses, rtol=1e-3)
    assert w == pytest.approx(want_w, rel=1e-4) and b == pytest.approx(want_b, rel=1e-4)


# ---- d2l 3.5: concise linear regression (LazyLinear, MSELoss, SGD, DataLoader) ---------------
def test_d2l_concise_linear_regression_and_weight_decay():
    nt.manual_seed(0)
    X = nt.randn(1000, 2)
    y = nt.matmul(X, nt.tensor([2.0, -3.4]).reshape((-1, 1))) + 4.2 + nt.randn(1000, 1) * 0.01
    net = nt.nn.LazyLinear(1)
    net.weight.data.normal_(0, 0.01)
    net.bias.data.fill_(0)
    loss_fn = nt.nn.MSELoss()
    optimizer = nt.optim.SGD(net.parameters(), 0.03)
    loader = nt.utils.data.DataLoader(nt.utils.data.TensorDataset(X, y), 32, shuffle=True)
    for epoch in range(3):
        for Xb, yb in loader:
            loss = loss_fn(net(Xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    w, b = net.weight.data, net.bias.data
    assert w.reshape(-1).tolist() == pytest.approx([2.0, -3.4], abs=0.05)
    assert b.item() == pytest.approx(4.2, abs=0.3)
    # weight decay on the weight only, as d2l's WeightDecay model configures it
    wd_net = nt.nn.LazyLinear(1)
    wd_net(X[:1])
    opt = nt.optim.SGD([{"params": wd_net.weight, "weight_decay": 3.0},
                        {"params": wd_net.bias}], lr=0.01)
    for epoch in range(3):
        for Xb, yb in loader:
            opt.zero_grad()
            loss_fn(wd_net(Xb), yb).backward()
            opt.step()
    assert float(wd_net.weight.norm()) < float(w.norm()) * 0.8  # decay shrinks the weights


# ---- d2l 4.4 / 5.2: softmax regression from scratch and the concise MLP ----------------------
def d2l_softmax_scratch(torch, W_init):
    def softmax(X):
        X_exp = torch.exp(X)
        partition = X_exp.sum(1, keepdims=True)
        return X_exp / partition

    def cross_entropy(y_hat, y):
        return -torch.log(y_hat[list(range(len(y_hat))), y]).mean()
    X, labels = _blobs(90, 3, 4, seed=6)
    X, y = torch.tensor(X), torch.tensor(labels)
    W = torch.tensor(W_init, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    losses = []
    for step in range(30):
        y_hat = softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)
        loss = cross_entropy(y_hat, y)
        loss.backward()
        with torch.no_grad():
            for param in (W, b):
                param -= 0.1 * param.grad
                param.grad.zero_()
        losses.append(loss.item())
    # d2l writes argmax(axis=1); numtensor's argmax does not take axis= yet (core gap)
    preds = y_hat.argmax(1).type(y.dtype)
    accuracy = (preds == y.reshape(-1)).type(torch.float32).mean().item()
    return losses, accuracy


def test_d2l_softmax_regression_from_scratch():
    W_init = np.random.default_rng(7).normal(0, 0.01, (4, 3)).astype(np.float32)
    (losses, acc), (want_losses, want_acc) = both(d2l_softmax_scratch, W_init)
    assert losses[-1] < 0.5 * losses[0] and acc > 0.8
    assert_same_trajectory(losses, want_losses)
    assert acc == want_acc


def d2l_mlp_concise(torch, reference=None):
    """d2l's MLP: Sequential(Flatten, LazyLinear(256), ReLU, LazyLinear(10)) trained with
    F.cross_entropy and SGD on small synthetic 'images'."""
    F = torch.nn.functional
    images, labels = _blobs(128, 10, 64, seed=9)
    X = torch.tensor(images.reshape(-1, 1, 8, 8))
    y = torch.tensor(labels)
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.LazyLinear(256), torch.nn.ReLU(),
                              torch.nn.LazyLinear(10))
    net(X[:1])  # d2l's apply_init: one forward pass gives the lazy layers their shapes
    if reference is not None:
        copy_weights(net, reference)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    losses = []
    for epoch in range(4):
        for start in range(0, 128, 32):
            Xb, yb = X[start:start + 32], y[start:start + 32]
            Y_hat = net(Xb)
            loss = F.cross_entropy(Y_hat.reshape((-1, Y_hat.shape[-1])), yb.reshape((-1,)),
                                   reduction="mean")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses, net


def test_d2l_mlp_concise_trains_like_torch():
    torch.manual_seed(0)
    want_losses, _ = d2l_mlp_concise(torch)
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.LazyLinear(256), torch.nn.ReLU(),
                              torch.nn.LazyLinear(10))
    ref(torch.zeros(1, 1, 8, 8))  # the same initial weights torch's run started from
    losses, net = d2l_mlp_concise(nt, reference=ref)
    assert type(net[1]) is nt.nn.Linear and net[1].in_features == 64
    assert np.mean(losses[-4:]) < 0.3 * np.mean(losses[:4])
    assert_same_trajectory(losses, want_losses, rtol=2e-3, atol=1e-5)


def test_d2l_dropout_from_scratch_and_concise():
    def dropout_layer(torch, X, dropout):
        assert 0 <= dropout <= 1
        if dropout == 1:
            return torch.zeros_like(X)
        mask = (torch.rand(X.shape) > dropout).float()
        return mask * X / (1.0 - dropout)
    nt.manual_seed(0)
    X = nt.arange(16, dtype=nt.float32).reshape((2, 8))
    assert nt.equal(dropout_layer(nt, X, 0), X)
    assert float(dropout_layer(nt, X, 1).abs().sum()) == 0
    half = dropout_layer(nt, X, 0.5)
    assert set(np.unique(half.numpy()) / 2) <= set(np.unique(X.numpy()))
    net = nt.nn.Sequential(nt.nn.Flatten(), nt.nn.LazyLinear(16), nt.nn.ReLU(),
                           nt.nn.Dropout(0.5), nt.nn.LazyLinear(3))
    net(X)
    net.eval()
    assert nt.equal(net(X), net(X))
    net.train()
    nt.manual_seed(1)
    a = net(X)
    nt.manual_seed(1)
    assert nt.equal(net(X), a)


# ---- EE-559 1.6: the MNIST convnet, verbatim; the digits come from scikit-learn -------------
def test_ee559_convnet_trains_on_digits():
    """The lecture's code: the convnet, model.to(device), criterion.to(device),
    sub_(mu).div_(std), split(batch_size), CrossEntropyLoss, SGD lr 0.1.  Data: scikit-
    learn's 8x8 digits scaled to 28x28 (MNIST cannot be downloaded here); 6 epochs of
    1500 images instead of 10 of 60000.  The loss falls and test accuracy ends >= 90%."""
    from numtensor.demo.data import digits_28x28
    torch = nt
    nn = nt.nn
    images, labels, test_images, test_labels = digits_28x28()
    train_input, train_target = torch.tensor(images), torch.tensor(labels)
    test_input, test_target = torch.tensor(test_images), torch.tensor(test_labels)

    class Flattener(nn.Module):
        def forward(self, x):
            return x.view(x.size(0), -1)

    torch.manual_seed(0)
    device = torch.device("cpu")
    model = nn.Sequential(
        nn.Conv2d(1, 32, 5), nn.MaxPool2d(3), nn.ReLU(),
        nn.Conv2d(32, 64, 5), nn.MaxPool2d(2), nn.ReLU(),
        Flattener(),
        nn.Linear(256, 200), nn.ReLU(),
        nn.Linear(200, 10)
    )

    nb_epochs, batch_size = 6, 100
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr = 0.1)

    model.to(device)
    criterion.to(device)
    train_input, train_target = train_input.to(device), train_target.to(device)

    mu, std = train_input.mean(), train_input.std()
    train_input.sub_(mu).div_(std)

    epoch_losses = []
    for e in range(nb_epochs):
        total = 0.0
        for input, target in zip(train_input.split(batch_size),
                                train_target.split(batch_size)):
            output = model(input)
            loss = criterion(output, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        epoch_losses.append(total)

    assert epoch_losses[-1] < 0.25 * epoch_losses[0], epoch_losses
    test_input.sub_(mu).div_(std)
    with torch.no_grad():
        accuracy = (model(test_input).argmax(1) == test_target).float().mean().item()
    assert accuracy >= 0.9, accuracy
