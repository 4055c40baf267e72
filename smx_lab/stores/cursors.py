"""Offset cursors: opaque to callers, bound to the request that made them.

A cursor carries an offset into a listing and a check made from the offset and the request's
fingerprint, so a cursor given for one listing is refused (``ValidationError`` naming ``cursor``)
by another, and a cursor edited by hand is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError


def fingerprint(parts: Sequence[Any]) -> str:
    """A short digest of a request's parts."""
    return hashlib.sha256(json.dumps(list(parts), default=str).encode()).hexdigest()[:16]


def encode_offset(offset: int, request: str) -> str:
    payload = json.dumps({"o": offset, "c": fingerprint([request, offset])}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_offset(cursor: str | None, request: str) -> int:
    """The offset a cursor of this request carries; 0 for no cursor."""
    if cursor is None or cursor == "":
        return 0
    invalid = ValidationError("cursor", "is not a cursor this store gave for this listing")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = payload["o"]
        check = payload["c"]
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise invalid from None
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise invalid
    if check != fingerprint([request, offset]):
        raise invalid
    return offset
