"""What ``smx-lab copy`` shows while it runs: on a terminal, one progress line redrawn in place
(components and points done, points a second, time left); otherwise plain log lines every few
seconds. Then a summary, or with ``--dry-run`` what would be copied.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

#: How often the progress line is redrawn, and a log line written when not on a terminal.
REDRAW_SECONDS = 0.2
LOG_SECONDS = 5.0
BAR_WIDTH = 24
LISTED = 20


@dataclass
class Report:
    """What a copy did (or, with ``--dry-run``, would do)."""

    source: str
    target: str
    dry_run: bool = False
    experiments_created: list[str] = field(default_factory=list)
    experiments: int = 0
    trials_created: int = 0
    trials_updated: int = 0
    trials: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    relinked: int = 0
    discarded: int = 0
    copied: list[str] = field(default_factory=list)
    points: int = 0
    seconds: float = 0.0
    interrupted: bool = False


def number(value: float) -> str:
    """1234 → 1,234; 1234567 → 1.23M."""
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    return f"{value:,.0f}"


def duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Counts components and points as workers finish them (thread-safe) and shows them."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._lock = threading.Lock()
        self.components = self.points = 0
        self.total_components = self.total_points = 0
        self._started = self._shown = time.monotonic()
        self._drawn = False

    def start(self, components: int, points: int) -> None:
        with self._lock:
            self.total_components, self.total_points = components, points
            self._started = self._shown = time.monotonic()

    def say(self, line: str) -> None:
        with self._lock:
            self._clear()
            print(line, file=self.stream, flush=True)

    def add_points(self, count: int) -> None:
        with self._lock:
            self.points += count
            self._maybe_show()

    def component_done(self) -> None:
        with self._lock:
            self.components += 1
            self._maybe_show()

    def finish(self) -> None:
        with self._lock:
            if self.total_components:
                self._show()
            if self.tty and self._drawn:
                print(file=self.stream, flush=True)
                self._drawn = False

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self.points / elapsed
        total = max(self.total_points, self.points)
        left = (total - self.points) / rate if rate > 0 else None
        eta = duration(left) if left is not None else "?"
        return (
            f"{self.components}/{self.total_components} components, "
            f"{number(self.points)}/{number(total)} points, "
            f"{number(rate)} points/s, ETA {eta}"
        )

    def _maybe_show(self) -> None:
        wait = REDRAW_SECONDS if self.tty else LOG_SECONDS
        if time.monotonic() - self._shown >= wait:
            self._show()

    def _show(self) -> None:
        self._shown = time.monotonic()
        if not self.tty:
            print(f"copy: {self.line()}", file=self.stream, flush=True)
            return
        done = self.points / self.total_points if self.total_points else 1.0
        filled = int(BAR_WIDTH * min(done, 1.0))
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.line()}\033[K")
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\r\033[K")
            self._drawn = False


def summary(report: Report) -> list[str]:
    """The lines printed at the end: what was copied, or what would be."""
    if report.dry_run:
        lines = [f"dry run: nothing written; copying {report.source} to {report.target} would"]
    else:
        state = "interrupted after" if report.interrupted else "done in"
        lines = [f"copied {report.source} to {report.target}: {state} {report.seconds:.1f} s"]
    created = report.experiments_created
    lines.append(
        f"  experiments: {len(created)} {'to create' if report.dry_run else 'created'}"
        f"{_listed(created)}; {report.experiments - len(created)} already there"
    )
    untouched = report.trials - report.trials_created - report.trials_updated
    verb = ("to create", "to update") if report.dry_run else ("created", "updated")
    lines.append(
        f"  trials: {report.trials_created} {verb[0]}, {report.trials_updated} {verb[1]}, "
        f"{untouched} unchanged"
    )
    copied = report.new + report.changed
    lines.append(
        f"  components: {copied} {'to copy' if report.dry_run else 'copied'} "
        f"({report.new} new, {report.changed} changed or left incomplete), "
        f"{report.unchanged} unchanged"
    )
    if report.copied:
        lines.append(f"    {'to copy' if report.dry_run else 'copied'}{_listed(report.copied)}")
    if report.relinked or report.discarded:
        lines.append(
            f"  also: {report.relinked} copies {'to move' if report.dry_run else 'moved'} "
            f"between trials, {report.discarded} doubled or incomplete copies "
            f"{'to discard' if report.dry_run else 'discarded'}"
        )
    if report.dry_run:
        lines.append(f"  points: about {number(report.points)} to copy")
    else:
        rate = report.points / report.seconds if report.seconds > 0 else 0.0
        lines.append(f"  points: {number(report.points)} ({number(rate)} points/s)")
    if report.interrupted:
        lines.append("  run the same command again to finish: what is complete is kept")
    return lines


def _listed(names: list[str]) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:LISTED])
    more = f", ... and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return f": {shown}{more}"
