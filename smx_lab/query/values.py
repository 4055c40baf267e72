"""How a filter's Value is read: numbers, instants, ``In`` lists, and the case folding of
``Contains``. Shared by validation, the Python evaluation and the stores' own compilers, so that
a value means the same everywhere."""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """A finite decimal number in ``text``, or None (``nan``, ``inf`` and ``1_000`` are not numbers
    here)."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_time(text: str) -> float | None:
    """An instant as seconds since the epoch: from a number, or ISO 8601 (no zone means UTC)."""
    number = parse_number(text)
    if number is not None:
        return number
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only: the case folding SQLite's ``lower()`` does, so that
    ``Contains`` means the same in Python and in the embedded store's SQL."""
    return text.translate(_ASCII_LOWER)


def in_items(value: str) -> list[str]:
    """The members of a normalised ``In`` value."""
    return value.split(",")
