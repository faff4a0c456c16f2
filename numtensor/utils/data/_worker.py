"""DataLoader worker processes.

Workers start with the platform's default method, as in PyTorch: fork on Linux (Python
3.11-3.13), spawn on macOS and Windows.  A forked worker runs every kernel serially: GNU
OpenMP cannot run a parallel region in a child forked from a process whose threads ran
(see the CPU backend's _serial_after_fork), and PyTorch's workers run on one thread too.
A spawned child starts a fresh interpreter, so the dataset, collate_fn and worker_init_fn
must be picklable (defined at module level, not lambdas), and a script must guard its
entry point with `if __name__ == "__main__":`.
"""
import queue
import random
import traceback
from dataclasses import dataclass


@dataclass
class WorkerInfo:
    id: int
    num_workers: int
    seed: int
    dataset: object


_worker_info = None


def get_worker_info():
    """Inside a worker: its id, the number of workers, its seed and its dataset copy;
    None in the main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process and raised there."""

    def __init__(self, exc, where):
        self.exc_type = type(exc)
        self.message = (f"Caught {type(exc).__name__} {where}.\nOriginal "
                        + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))

    def reraise(self):
        try:
            error = self.exc_type(self.message)
        except Exception:
            error = RuntimeError(self.message)
        raise error


class IterableStop:
    """A worker's iterable dataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


def worker_loop(dataset, index_queue, result_queue, collate_fn, auto_collation, batch_size,
                drop_last, seed, worker_id, num_workers, worker_init_fn, is_iterable):
    """Take (task id, indices) from index_queue, put (task id, batch) on result_queue; a
    None task ends the loop, a "reset" task restarts an iterable dataset (new epoch)."""
    global _worker_info
    import numtensor
    numtensor.manual_seed(seed)
    random.seed(seed)
    _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
    init_error = None
    if worker_init_fn is not None:
        try:
            worker_init_fn(worker_id)
        except Exception as exc:
            init_error = ExceptionWrapper(exc, f"in DataLoader worker process {worker_id}")
    iterator = iter(dataset) if is_iterable else None
    exhausted = False
    while True:
        try:
            task = index_queue.get(timeout=5.0)
        except queue.Empty:
            continue
        if task is None:
            break
        if task == "reset":
            iterator, exhausted = (iter(dataset) if is_iterable else None), False
            continue
        task_id, indices = task
        if init_error is not None:
            result_queue.put((task_id, init_error))
            continue
        if exhausted:
            result_queue.put((task_id, IterableStop(worker_id)))
            continue
        try:
            if is_iterable:
                batch = _next_iterable_batch(iterator, auto_collation, batch_size, drop_last)
                if batch is None:
                    exhausted = True
                    result_queue.put((task_id, IterableStop(worker_id)))
                    continue
                data = collate_fn(batch)
            elif auto_collation:
                data = collate_fn([dataset[i] for i in indices])
            else:
                data = collate_fn(dataset[indices])
        except Exception as exc:
            data = ExceptionWrapper(exc, f"in DataLoader worker process {worker_id}")
        result_queue.put((task_id, data))


def _next_iterable_batch(iterator, auto_collation, batch_size, drop_last):
    if not auto_collation:
        try:
            return next(iterator)
        except StopIteration:
            return None
    batch = []
    for item in iterator:
        batch.append(item)
        if len(batch) == batch_size:
            return batch
    if not batch or drop_last:
        return None
    return batch
