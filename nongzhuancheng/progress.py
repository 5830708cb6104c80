"""Progress of long set-up steps (``make run``: migrations, the demo year): a bar on a terminal, plain
lines elsewhere.

On a terminal a ``tqdm`` bar (count, percentage, rate, time left) is redrawn in place. When the
output is a file or a pipe (CI logs, ``make run > log``) a bar's carriage returns would make
thousands of lines, so each step prints one line when it starts, one at every tenth of its
total (10 %, 20 %, …) and one when it ends, with the time taken.

    with progress.bar(stdout, total=579_476, desc="2012 transfers", unit="persons") as bar:
        for batch in batches:
            write(batch)
            bar.update(len(batch))
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

LINES = 10  # without a terminal: a line at every tenth of the total


def _stream(out: Any) -> TextIO:
    """The text stream under Django ``OutputWrapper``s (or the stream itself): tqdm's carriage
    returns must reach it as they are, without the wrapper's added newline."""
    while hasattr(out, "_out"):
        out = out._out
    return out or sys.stdout


def is_terminal(out: Any) -> bool:
    stream = _stream(out)
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class LineBar:
    """The bar's plain-text stand-in: a line at the start, at each tenth and at the end."""

    def __init__(self, out: Any, *, total: int, desc: str, unit: str) -> None:
        self.out, self.total, self.desc, self.unit = _stream(out), max(0, total), desc, unit
        self.n = 0
        self.started = time.monotonic()
        self.next_mark = 1  # in tenths
        self._write(f"{desc}: {self.total:,} {unit} …")

    def _write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def update(self, n: int = 1) -> None:
        self.n += n
        if not self.total:
            return
        done = self.n / self.total
        tenths = self.n * LINES // self.total
        if tenths >= self.next_mark and self.n < self.total:
            elapsed = time.monotonic() - self.started
            left = elapsed / done - elapsed
            self._write(f"{self.desc}: {tenths * 100 // LINES}% ({self.n:,}/{self.total:,} {self.unit}, "
                        f"{elapsed:.0f} s, about {left:.0f} s left)")
            self.next_mark = tenths + 1

    def set_postfix_str(self, text: str) -> None:
        """(tqdm's side note: shown on the bar, not worth a line here)"""

    def close(self) -> None:
        self._write(f"{self.desc}: done, {self.n:,} {self.unit} in {time.monotonic() - self.started:.1f} s")


@contextlib.contextmanager
def bar(out: Any, *, total: int, desc: str, unit: str = "rows") -> Iterator[Any]:
    """A progress bar for ``total`` units written to ``out`` (a stream or a Django OutputWrapper);
    ``out=None`` shows nothing. The object yielded has ``update(n)``."""
    if out is None:
        yield _Silent()
        return
    if is_terminal(out):
        from tqdm import tqdm

        started = time.monotonic()
        with tqdm(total=total, desc=desc, unit=f" {unit}", unit_scale=False, file=_stream(out),
                  dynamic_ncols=True, mininterval=0.5, smoothing=0.1) as shown:
            yield shown
        _stream(out).write(f"{desc}: done in {time.monotonic() - started:.1f} s\n")
        return
    line = LineBar(out, total=total, desc=desc, unit=unit)
    try:
        yield line
    finally:
        line.close()


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass


@contextlib.contextmanager
def step(out: Any, number: int, count: int, name: str) -> Iterator[None]:
    """One line when step ``number`` of ``count`` starts and one with its time when it ends: the
    wall-clock time and this process's CPU time (on a busy machine the first grows, the second
    hardly; on a quiet one they are close, SQLite working in this process)."""
    stream = _stream(out)
    stream.write(f"[{number}/{count}] {name} …\n")
    stream.flush()
    started, cpu = time.monotonic(), time.process_time()
    yield
    stream.write(f"[{number}/{count}] {name}: {time.monotonic() - started:.1f} s "
                 f"(CPU {time.process_time() - cpu:.1f} s)\n")
    stream.flush()


@contextlib.contextmanager
def timed(out: Any, what: str) -> Iterator[None]:
    """A line with ``what`` and its time once it is done (nothing when ``out`` is None)."""
    started = time.monotonic()
    yield
    if out is not None:
        stream = _stream(out)
        stream.write(f"{what}: {time.monotonic() - started:.1f} s\n")
        stream.flush()
