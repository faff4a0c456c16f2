"""utils.data: datasets, samplers, random_split, default_collate and DataLoader behaviour
(compared with torch.utils.data where the result is deterministic)."""
import collections
import math
import warnings

import numpy as np
import pytest

import numtensor as nt
from numtensor.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset,
                                  IterableDataset, RandomSampler, SequentialSampler, Subset,
                                  SubsetRandomSampler, TensorDataset, default_collate,
                                  get_worker_info, random_split)
from nn_helpers import arr, raises_like, torch

TD = torch.utils.data


class Squares(Dataset):
    """Module level, so spawned workers can unpickle it."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == 13:
            raise ValueError("no thirteen")
        return {"x": nt.tensor([float(i), float(i * i)]), "i": i, "name": f"s{i}"}


class Counter(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))

    def __len__(self):
        return self.n


def _record_seed(worker_id):
    info = get_worker_info()
    assert info.id == worker_id


def collate_first(batch):
    return [b["i"] for b in batch]


def _dataset(lib, n=10):
    return lib.utils.data.TensorDataset(lib.arange(n * 2.0).reshape(n, 2), lib.arange(n))


# ---- datasets ---------------------------------------------------------------------------
def test_tensor_dataset():
    ds = _dataset(nt)
    assert len(ds) == 10
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and y.item() == 3
    xs, ys = ds[[1, 2]]
    assert tuple(xs.shape) == (2, 2)
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(nt.zeros(3), nt.zeros(4))


def test_subset_concat_and_add():
    ds = _dataset(nt)
    sub = Subset(ds, [4, 0, 7])
    assert len(sub) == 3 and sub[0][1].item() == 4 and sub[-1][1].item() == 7
    both = ds + sub
    assert isinstance(both, ConcatDataset) and len(both) == 13
    assert both[10][1].item() == 4 and both[-1][1].item() == 7
    with pytest.raises(ValueError, match="absolute value of index"):
        both[-14]
    with pytest.raises(NotImplementedError):
        Dataset()[0]


def test_random_split_lengths_fractions_and_generator():
    ds = _dataset(nt, 10)
    a, b = random_split(ds, [7, 3], generator=nt.Generator().manual_seed(0))
    assert (len(a), len(b)) == (7, 3)
    assert sorted(a.indices + b.indices) == list(range(10))
    c, d = random_split(ds, [7, 3], generator=nt.Generator().manual_seed(0))
    assert c.indices == a.indices
    parts = random_split(ds, [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [len(p) for p in TD.random_split(_dataset(torch),
                                                                       [0.5, 0.3, 0.2])]
    odd = random_split(_dataset(nt, 11), [0.34, 0.33, 0.33])
    assert [len(p) for p in odd] == [len(p) for p in TD.random_split(_dataset(torch, 11),
                                                                     [0.34, 0.33, 0.33])]
    nt.manual_seed(3)
    first = random_split(ds, [5, 5])[0].indices
    nt.manual_seed(3)
    assert random_split(ds, [5, 5])[0].indices == first
    raises_like(lambda: random_split(ds, [5, 6]), lambda: TD.random_split(_dataset(torch),
                                                                          [5, 6]))
    raises_like(lambda: random_split(ds, [1.5, -0.5]),
                lambda: TD.random_split(_dataset(torch), [1.5, -0.5]))
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(_dataset(nt, 2), [0.9, 0.1])


# ---- samplers ---------------------------------------------------------------------------
def test_samplers():
    ds = list(range(7))
    assert list(SequentialSampler(ds)) == list(range(7))
    r = list(RandomSampler(ds, generator=nt.Generator().manual_seed(1)))
    assert sorted(r) == list(range(7)) and len(RandomSampler(ds)) == 7
    nt.manual_seed(4)
    a = list(RandomSampler(ds))
    nt.manual_seed(4)
    assert list(RandomSampler(ds)) == a
    long = list(RandomSampler(ds, num_samples=17))
    assert len(long) == 17 and sorted(set(long)) == list(range(7))
    rep = list(RandomSampler(ds, replacement=True, num_samples=50))
    assert len(rep) == 50 and set(rep) <= set(ds)
    assert sorted(SubsetRandomSampler([3, 5, 9])) == [3, 5, 9]
    batches = list(BatchSampler(SequentialSampler(ds), 3, drop_last=False))
    assert batches == list(TD.BatchSampler(TD.SequentialSampler(ds), 3, drop_last=False))
    assert len(BatchSampler(range(7), 3, True)) == 2 and len(BatchSampler(range(7), 3, False)) == 3
    for bad in [dict(batch_size=0, drop_last=False), dict(batch_size=True, drop_last=False),
                dict(batch_size=2, drop_last=1)]:
        raises_like(lambda: BatchSampler(ds, **bad), lambda: TD.BatchSampler(ds, **bad))
    for bad in [dict(replacement=1), dict(num_samples=0)]:
        raises_like(lambda: RandomSampler(ds, **bad), lambda: TD.RandomSampler(ds, **bad))


# ---- collate ------------------------------------------------------------------------------
def test_default_collate_matches_torch():
    Point = collections.namedtuple("Point", "x y")
    samples = [
        [1, 2, 3],
        [1.5, 2.5],
        [True, False],
        ["a", "b"],
        [(1, 2.0), (3, 4.0)],
        [[1, 2], [3, 4]],
        [{"a": 1, "b": [1.0, 2.0]}, {"a": 2, "b": [3.0, 4.0]}],
        [Point(1, 2.0), Point(3, 4.0)],
        [np.array([1.0, 2.0]), np.array([3.0, 4.0])],
        [np.float32(1.5), np.float32(2.5)],
    ]

    def same(got, want):
        if isinstance(want, torch.Tensor):
            assert isinstance(got, nt.Tensor) and str(got.dtype) == str(want.dtype)
            np.testing.assert_array_equal(arr(got), arr(want))
        elif isinstance(want, (list, tuple)):
            assert type(got).__name__ == type(want).__name__ and len(got) == len(want)
            for g, w in zip(got, want):
                same(g, w)
        elif isinstance(want, dict):
            assert type(got) is type(want) and list(got) == list(want)
            for k in want:
                same(got[k], want[k])
        else:
            assert got == want
    for batch in samples:
        same(default_collate(batch), TD.default_collate(batch))
    tensors = [nt.tensor([1, 2]), nt.tensor([3, 4])]
    assert default_collate(tensors).tolist() == [[1, 2], [3, 4]]
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError):
        default_collate([nt.zeros(2), nt.zeros(3)])


# ---- DataLoader ---------------------------------------------------------------------------
def test_dataloader_batches_like_torch_without_shuffle():
    for kw in (dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=10),
               dict(batch_size=None), dict(batch_size=4, sampler=[9, 1, 5, 2, 0])):
        got = list(DataLoader(_dataset(nt), **kw))
        want = list(TD.DataLoader(_dataset(torch), **kw))
        assert len(got) == len(want) == len(DataLoader(_dataset(nt), **kw))
        for g, w in zip(got, want):
            assert type(g) is type(w) is list
            for gi, wi in zip(g, w):
                np.testing.assert_array_equal(arr(gi), arr(wi))
                assert str(gi.dtype) == str(wi.dtype)


def test_dataloader_shuffle_is_reproducible_and_changes_per_epoch():
    ds = _dataset(nt, 20)
    loader = DataLoader(ds, batch_size=6, shuffle=True)
    nt.manual_seed(0)
    epoch1 = [y.tolist() for _, y in loader]
    epoch2 = [y.tolist() for _, y in loader]
    nt.manual_seed(0)
    assert [y.tolist() for _, y in loader] == epoch1
    assert epoch1 != epoch2
    assert sorted(sum(epoch1, [])) == list(range(20))
    assert [len(b) for b in epoch1] == [6, 6, 6, 2]
    g = nt.Generator().manual_seed(7)
    a = [y.tolist() for _, y in DataLoader(ds, batch_size=5, shuffle=True, generator=g)]
    g.manual_seed(7)
    assert [y.tolist() for _, y in DataLoader(ds, batch_size=5, shuffle=True, generator=g)] == a


def test_dataloader_custom_collate_batch_sampler_and_dicts():
    ds = Squares(12)
    loader = DataLoader(ds, batch_sampler=[[0, 1], [5, 6, 7]], collate_fn=collate_first)
    assert list(loader) == [[0, 1], [5, 6, 7]] and len(loader) == 2
    batch = next(iter(DataLoader(ds, batch_size=4)))
    assert batch["x"].shape == (4, 2) and batch["i"].tolist() == [0, 1, 2, 3]
    assert batch["name"] == ["s0", "s1", "s2", "s3"]
    single = list(DataLoader(ds, batch_size=None))[2]
    assert single["i"] == 2 and single["x"].tolist() == [2.0, 4.0]


def test_dataloader_iterable_dataset():
    assert [b.tolist() for b in DataLoader(Counter(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5],
                                                                          [6]]
    assert len(DataLoader(Counter(7), batch_size=3, drop_last=True)) == 2
    assert [b.tolist() for b in DataLoader(Counter(7), batch_size=3, drop_last=True)] == \
        [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Counter(3), shuffle=True)


@pytest.mark.parametrize("kw", [dict(sampler=[0], shuffle=True), dict(batch_sampler=[[0]],
                                batch_size=2), dict(batch_size=None, drop_last=True),
                                dict(num_workers=-1), dict(timeout=-1),
                                dict(prefetch_factor=2), dict(persistent_workers=True)])
def test_dataloader_argument_errors_match_torch(kw):
    raises_like(lambda: DataLoader(_dataset(nt), **kw),
                lambda: TD.DataLoader(_dataset(torch), **kw))


def test_dataloader_attributes_are_frozen():
    loader = DataLoader(_dataset(nt), batch_size=2)
    raises_like(lambda: setattr(loader, "batch_size", 3),
                lambda: setattr(TD.DataLoader(_dataset(torch), batch_size=2), "batch_size", 3))
    loader.collate_fn = default_collate  # not frozen


def test_dataloader_d2l_style_training_data():
    """d2l's get_tensorloader: TensorDataset + DataLoader(dataset, batch_size, shuffle)."""
    X, y = nt.randn(100, 3), nt.randn(100, 1)
    loader = DataLoader(TensorDataset(X, y), 32, shuffle=True)
    seen = 0
    for xb, yb in loader:
        assert xb.shape[1:] == (3,) and yb.shape[1:] == (1,)
        seen += len(xb)
    assert seen == 100 and len(loader) == math.ceil(100 / 32)


# ---- worker processes (spawn) --------------------------------------------------------------
def test_workers_give_the_same_batches_in_order():
    ds = _dataset(nt, 23)
    loader = DataLoader(ds, batch_size=4, num_workers=2)
    got = [(x.tolist(), y.tolist()) for x, y in loader]
    want = [(x.tolist(), y.tolist()) for x, y in DataLoader(ds, batch_size=4)]
    assert got == want
    nt.manual_seed(1)
    shuffled = [y.tolist() for _, y in DataLoader(ds, batch_size=5, shuffle=True, num_workers=2)]
    nt.manual_seed(1)
    assert shuffled == [y.tolist() for _, y in DataLoader(ds, batch_size=5, shuffle=True)]


def test_workers_iterable_dataset_persistent_and_errors():
    batches = [b.tolist() for b in DataLoader(Counter(8), batch_size=2, num_workers=2,
                                              worker_init_fn=_record_seed)]
    assert sorted(sum(batches, [])) == list(range(8))
    loader = DataLoader(Squares(9), batch_size=3, num_workers=1, persistent_workers=True,
                        collate_fn=collate_first)
    assert list(loader) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert list(loader) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    loader._persistent_iterator._shutdown()
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process 0"):
        list(DataLoader(Squares(20), batch_size=5, num_workers=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert get_worker_info() is None


def _unguarded_script(tmp_path, context):
    script = tmp_path / "unguarded.py"
    script.write_text("import numtensor as torch\n"
                      "from numtensor.utils.data import DataLoader, TensorDataset\n"
                      "x = torch.rand(10**6); (x + x).sum()  # the threads have run\n"
                      "for b in DataLoader(TensorDataset(torch.arange(8.0)), batch_size=4,\n"
                      f"                    num_workers=2, multiprocessing_context={context!r}):\n"
                      "    print(b[0].tolist())\n")
    import subprocess
    import sys
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork here")
def test_an_unguarded_script_with_forked_workers_runs(tmp_path):
    # d2l's style: a script without a main guard, get_dataloader_workers() workers
    run = _unguarded_script(tmp_path, "fork")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["[0.0, 1.0, 2.0, 3.0]", "[4.0, 5.0, 6.0, 7.0]"]


def test_an_unguarded_script_with_spawned_workers_is_told_what_to_do(tmp_path):
    # spawned workers import the main script again, and die at its top-level loop
    run = _unguarded_script(tmp_path, "spawn")
    assert run.returncode != 0
    assert "exited unexpectedly. Workers start with 'spawn'" in run.stderr
    assert "if __name__ == '__main__':" in run.stderr


class HeavyItems(Dataset):
    """Items that run the backend's parallel-sized kernels (a product, big element-wise
    ops, sums, sums and maxima over a dim, sorts, a mask, pooling, softmax, fills): in a
    forked worker each must take its serial form, or GNU OpenMP ends the process (the
    parent meets each geometry first: the paths it keeps must not lead to a parallel
    kernel there)."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        g = nt.Generator().manual_seed(i)
        a, b = nt.rand(300, 300, generator=g), nt.rand(300, 300, generator=g)
        x = nt.rand(300000, generator=g)
        return nt.stack([(a @ b).sum(), (x + x).sum(), x.exp().mean(), x.sort().values[-1],
                         x[x > 0.5].sum(), nt.softmax(a, 1).sum(), nt.arange(300000.).sum(),
                         nt.linspace(0, 1, 300000).sum(), a.sum(1).sum(),
                         x.reshape(1000, 300).amax(1).sum(),
                         nt.nn.functional.max_pool2d(a.reshape(1, 1, 300, 300), 2).sum()])


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork here")
def test_forked_workers_run_parallel_sized_work_serially():
    x = nt.rand(10**6)
    (x + x).sum()  # the parent's threads have run
    want = [t.tolist() for t in DataLoader(HeavyItems(), batch_size=2)]
    got = [t.tolist() for t in DataLoader(HeavyItems(), batch_size=2, num_workers=2,
                                         multiprocessing_context="fork")]
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-5)


class ConvGradients(Dataset):
    """An item that runs a convolution's backward (col2im) in the worker."""

    def __len__(self):
        return 2

    def __getitem__(self, i):
        g = nt.Generator().manual_seed(i)
        x = nt.rand(8, 3, 40, 40, generator=g, requires_grad=True)
        w = nt.rand(6, 3, 5, 5, generator=g)
        nt.nn.functional.conv2d(x, w, padding=2).sum().backward()
        return x.grad.sum()


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork here")
def test_forked_workers_run_a_convolution_backward():
    (nt.rand(10**6) * 2).sum()  # the parent's threads have run
    want = [t.tolist() for t in DataLoader(ConvGradients(), batch_size=2)]
    got = [t.tolist() for t in DataLoader(ConvGradients(), batch_size=2, num_workers=1,
                                         multiprocessing_context="fork")]
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-5)
