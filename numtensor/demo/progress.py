"""A progress bar per epoch: tqdm's when it is installed, otherwise one plain line per
epoch with the same figures (loss, accuracy, samples/s)."""
import sys


def _tqdm():
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


class _TqdmBar:
    def __init__(self, tqdm, total, desc):
        self._bar = tqdm(total=total, desc=desc, unit="step", leave=True, file=sys.stdout)

    def update(self, n, loss, accuracy, rate):
        self._bar.set_postfix(loss=f"{loss:.4f}", accuracy=f"{accuracy:.3f}",
                              samples_per_s=f"{rate:.0f}", refresh=False)
        self._bar.update(n)

    def close(self):
        self._bar.close()


class _PlainBar:
    """Prints the epoch's figures once, when it ends."""

    def __init__(self, total, desc):
        self.desc, self.total, self.done, self.figures = desc, total, 0, None

    def update(self, n, loss, accuracy, rate):
        self.done += n
        self.figures = (loss, accuracy, rate)

    def close(self):
        if self.figures is not None:
            loss, accuracy, rate = self.figures
            print(f"{self.desc}: {self.done}/{self.total} steps  loss {loss:.4f}  "
                  f"accuracy {accuracy:.3f}  {rate:.0f} samples/s", flush=True)


def bar(total, desc):
    tqdm = _tqdm()
    return _TqdmBar(tqdm, total, desc) if tqdm is not None else _PlainBar(total, desc)


def write(message):
    """A line that does not break a running tqdm bar."""
    tqdm = _tqdm()
    if tqdm is not None:
        tqdm.write(message, file=sys.stdout)
    else:
        print(message, flush=True)
