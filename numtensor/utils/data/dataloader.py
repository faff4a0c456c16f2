"""DataLoader: iterate over a dataset in (shuffled) batches, optionally in worker processes."""
import itertools
import multiprocessing
import queue
import warnings

from ._collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from . import _worker


class _InfiniteConstantSampler:
    """The 'sampler' of an iterable dataset: None forever (the dataset decides)."""

    def __iter__(self):
        while True:
            yield None


_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
           "persistent_workers")


class DataLoader:
    """Batches of samples from dataset.

    batch_size samples are drawn per batch, in dataset order or (shuffle=True) in an order
    drawn from `generator` (default: numtensor's default generator, so manual_seed makes it
    reproducible), and merged by collate_fn (default_collate stacks tensors and turns
    numbers into tensors).  sampler / batch_sampler choose the indices instead.

    num_workers > 0 loads batches in that many worker processes, started with the
    platform's default method (fork on Linux) unless multiprocessing_context says
    otherwise; a forked worker runs its kernels serially.  With spawn, the dataset,
    collate_fn and worker_init_fn must be picklable: defined at module level, not lambdas
    or classes local to a function.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        is_iterable = isinstance(dataset, IterableDataset)
        if is_iterable:
            if shuffle not in (False, None):
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._is_iterable = is_iterable
        self._persistent_iterator = None
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in _FROZEN:
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._is_iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIterator(self)
        if self.persistent_workers:
            if self._persistent_iterator is None:
                super().__setattr__("_persistent_iterator", _MultiProcessIterator(self))
            else:
                self._persistent_iterator._start_epoch()
            return self._persistent_iterator
        return _MultiProcessIterator(self)


def _warn_pin_memory(loader):
    """Each new iterator warns as PyTorch's does: pin_memory_device is deprecated, and
    without an accelerator nothing is pinned.  (With one numtensor pins nothing either:
    it has no pinned allocator, so its batches stay in ordinary memory.)"""
    from ... import accelerator
    if loader.pin_memory and loader.pin_memory_device:
        warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as "
                      f"the device,ignore pin_memory_device='{loader.pin_memory_device}'.",
                      stacklevel=3)
    if loader.pin_memory and not accelerator.is_available():
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then "
                      "device pinned memory won't be used.", stacklevel=3)


def _draw_base_seed(loader):
    """Every epoch draws the workers' base seed from the loader's generator, with or
    without workers (as PyTorch does), so a shuffle is the same either way."""
    from ... import empty, int64
    return int(empty((), dtype=int64).random_(generator=loader.generator).item())


class _SingleProcessIterator:
    def __init__(self, loader):
        _warn_pin_memory(loader)
        _draw_base_seed(loader)
        self._loader = loader
        self._dataset = loader.dataset
        self._collate = loader.collate_fn
        if loader._is_iterable:
            self._samples = iter(loader.dataset)
            self._batches = self._iterable_batches()
        else:
            self._batches = iter(loader._index_sampler)

    def _iterable_batches(self):
        if not self._loader._auto_collation:
            yield from self._samples
            return
        while True:
            batch = list(itertools.islice(self._samples, self._loader.batch_size))
            if not batch or (self._loader.drop_last and len(batch) < self._loader.batch_size):
                return
            yield batch

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._batches)
        if self._loader._is_iterable:
            return self._collate(item)
        if self._loader._auto_collation:
            fetch_many = getattr(self._dataset, "__getitems__", None)
            samples = fetch_many(item) if callable(fetch_many) else \
                [self._dataset[i] for i in item]
            return self._collate(samples)
        return self._collate(self._dataset[item])

    def __len__(self):
        return len(self._loader)


class _MultiProcessIterator:
    """Hands index lists to the workers round robin, keeps prefetch_factor tasks in flight
    per worker, and returns the batches in task order."""

    def __init__(self, loader):
        self._loader = loader
        context = loader.multiprocessing_context
        if context is None or isinstance(context, str):
            context = multiprocessing.get_context(context)  # None: the platform's default
        self._start_method = context.get_start_method()
        _warn_pin_memory(loader)
        base_seed = _draw_base_seed(loader)
        self._result_queue = context.Queue()
        self._index_queues, self._workers = [], []
        for worker_id in range(loader.num_workers):
            index_queue = context.Queue()
            process = context.Process(
                target=_worker.worker_loop,
                args=(loader.dataset, index_queue, self._result_queue, loader.collate_fn,
                      loader._auto_collation, loader.batch_size, loader.drop_last,
                      base_seed + worker_id, worker_id, loader.num_workers,
                      loader.worker_init_fn, loader._is_iterable),
                daemon=True)
            process.start()
            self._index_queues.append(index_queue)
            self._workers.append(process)
        self._shut = False
        self._start_epoch(first=True)

    def _start_epoch(self, first=False):
        if not first and self._loader._is_iterable:
            for q in self._index_queues:
                q.put("reset")
        self._tasks = iter(self._loader._index_sampler)
        self._next_task = 0      # id of the next task to send
        self._next_result = 0    # id of the next batch to return
        self._pending = {}       # results that arrived early, by task id
        self._worker_of = {}     # task id -> worker id
        self._active = [True] * len(self._workers)  # iterable datasets: not exhausted
        self._worker_cycle = itertools.cycle(range(len(self._workers)))
        self._exhausted = False
        for _ in range(self._loader.prefetch_factor * len(self._workers)):
            self._send_task()

    def _send_task(self):
        if self._exhausted or not any(self._active):
            return
        try:
            indices = next(self._tasks)
        except StopIteration:
            self._exhausted = True
            return
        for _ in range(len(self._workers)):
            worker_id = next(self._worker_cycle)
            if self._active[worker_id]:
                break
        self._index_queues[worker_id].put((self._next_task, indices))
        self._worker_of[self._next_task] = worker_id
        self._next_task += 1

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        while True:
            if self._next_result >= self._next_task:
                if not self._loader.persistent_workers:
                    self._shutdown()
                raise StopIteration
            if self._next_result in self._pending:
                data = self._pending.pop(self._next_result)
            else:
                task_id, data = self._get_result()
                if task_id != self._next_result:
                    self._pending[task_id] = data
                    continue
            self._next_result += 1
            if isinstance(data, _worker.IterableStop):
                self._active[data.worker_id] = False
                self._send_task()
                continue
            self._send_task()
            if isinstance(data, _worker.ExceptionWrapper):
                self._shutdown()
                data.reraise()
            return data

    def _get_result(self):
        timeout = self._loader.timeout
        waited = 0.0
        while True:
            try:
                return self._result_queue.get(timeout=1.0)
            except queue.Empty:
                waited += 1.0
                if timeout and waited >= timeout:
                    self._shutdown()
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds")
                dead = [w.pid for w in self._workers if not w.is_alive()]
                if dead:
                    self._shutdown()
                    hint = "" if self._start_method == "fork" else (
                        f". Workers start with '{self._start_method}', which imports the main "
                        "script again in each worker: a script that makes and iterates the "
                        "DataLoader at top level needs an `if __name__ == '__main__':` guard "
                        "(or num_workers=0)")
                    raise RuntimeError(f"DataLoader worker (pid(s) "
                                       f"{', '.join(str(p) for p in dead)}) exited "
                                       f"unexpectedly{hint}") from None

    def _shutdown(self):
        if self._shut:
            return
        self._shut = True
        for q in self._index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        for w in self._workers:
            w.join(timeout=5.0)
            if w.is_alive():
                w.terminate()
        for q in self._index_queues + [self._result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        try:
            self._shutdown()
        except Exception:
            pass
