"""The progress line: the case, its position out of the total, and the time left.

On a terminal it rewrites one line; into a file or a pipe it writes a line per case.
The time left scales the time spent so far by the cases' rough weights.
"""
import sys
import time


def _clock(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    def __init__(self, weights, stream=None):
        self.weights = list(weights)
        self.total_weight = sum(self.weights) or 1.0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.perf_counter()
        self.index = 0
        self.done_weight = 0.0
        self.label = ""

    def _left(self):
        spent = time.perf_counter() - self.started
        if self.done_weight == 0:
            return "estimating"
        return "~" + _clock(spent / self.done_weight * (self.total_weight - self.done_weight))

    def _show(self, text):
        if self.tty:
            self.stream.write("\r\x1b[K" + text[:160])
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def start(self, label):
        """Begin the next step."""
        if self.index:
            self.done_weight += self.weights[self.index - 1]
        self.index += 1
        self.label = label
        width = len(str(len(self.weights)))
        self._show(f"[{self.index:{width}d}/{len(self.weights)}] {label}  "
                   f"({_clock(time.perf_counter() - self.started)} spent, {self._left()} left)")

    def detail(self, text):
        """What the current step is doing now (the terminal line only)."""
        if self.tty:
            width = len(str(len(self.weights)))
            self._show(f"[{self.index:{width}d}/{len(self.weights)}] {self.label}: {text}  "
                       f"({self._left()} left)")

    def finish(self):
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(f"done in {_clock(time.perf_counter() - self.started)}\n")
        self.stream.flush()
