"""A job's CloudWatch logs: its streams in the job type's log group (``/aws/sagemaker/TrainingJobs``
and the like, one stream per instance named ``<job>/…``), and pages of one stream's events.

A first page (no cursor) is the stream's newest events, oldest first, so the newest is last. Its
``older_cursor`` pages back (CloudWatch's ``nextBackwardToken``); its ``newer_cursor`` asks for
what the stream gets next (``nextForwardToken``), which is how the view follows a running job: the
same cursor answers no events until there are new ones, and a new cursor with them. A cursor is
opaque to clients: it names its stream, so it cannot be used on another.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timezone
from typing import Any

from ... import bounds
from ...errors import NotFound, ValidationError
from ...jobs import LogEvent, LogPage
from .aws import AwsClients

#: DescribeLogStreams' largest page, and how many pages of streams one job may have.
STREAMS_PER_CALL = 50
MAX_STREAM_CALLS = 10
_DIRECTIONS = ("older", "newer")


def streams(aws: AwsClients, log_group: str, job_name: str) -> list[str]:
    """The job's log streams by name (``<job>/algo-1-…`` before ``<job>/algo-2-…``); none when
    the job has not logged yet (its group may not even exist)."""
    names: list[str] = []
    token: str | None = None
    for _ in range(MAX_STREAM_CALLS):
        params: dict[str, Any] = {
            "logGroupName": log_group,
            "logStreamNamePrefix": f"{job_name}/",
            "limit": STREAMS_PER_CALL,
        }
        if token:
            params["nextToken"] = token
        try:
            answer = aws.call("logs", "describe_log_streams", **params)
        except NotFound:
            return []
        names += [s["logStreamName"] for s in answer.get("logStreams") or []]
        token = answer.get("nextToken")
        if not token:
            break
    return sorted(set(names))


def page(
    aws: AwsClients,
    log_group: str,
    job_name: str,
    *,
    stream: str | None,
    cursor: str | None,
    limit: int,
) -> LogPage:
    """One page of a stream's events (see the module's docstring)."""
    known = streams(aws, log_group, job_name)
    direction, token = None, None
    if cursor is not None:
        direction, cursor_stream, token = _decode(cursor)
        if stream is not None and stream != cursor_stream:
            raise ValidationError("cursor", "belongs to another log stream than `stream`")
        stream = cursor_stream
    if stream is None:
        if not known:
            return LogPage(log_group, [], None, [])
        stream = known[0]
    if stream not in known:
        raise ValidationError(
            "stream",
            f"must be one of the log streams of job {job_name!r} ({len(known)} of them)",
            value=stream,
        )
    params: dict[str, Any] = {
        "logGroupName": log_group,
        "logStreamName": stream,
        "limit": limit,
        # CloudWatch asks for startFromHead with a forward token, and without it for the newest.
        "startFromHead": direction == "newer",
    }
    if token is not None:
        params["nextToken"] = token
    answer = aws.call("logs", "get_log_events", **params)
    events = [
        LogEvent(_time(e.get("timestamp")), str(e.get("message", "")))
        for e in answer.get("events") or []
    ]
    backward, forward = answer.get("nextBackwardToken"), answer.get("nextForwardToken")
    older = None
    if direction != "newer" and len(events) >= limit and backward and backward != token:
        older = _encode("older", stream, backward)
    newer = None
    if direction != "older" and forward:
        newer = _encode("newer", stream, forward)
    return LogPage(log_group, known, stream, events, older, newer)


def _time(milliseconds: Any) -> str:
    if not isinstance(milliseconds, (int, float)):
        return ""
    return datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc).isoformat()


def _encode(direction: str, stream: str, token: str) -> str:
    text = json.dumps([direction, stream, token], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, str, str]:
    """A cursor this module made → (direction, stream, CloudWatch token)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = bounds.loads(raw, "cursor")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        value = None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or value[0] not in _DIRECTIONS
        or not all(isinstance(part, str) and part for part in value)
    ):
        raise ValidationError("cursor", "is not a cursor of this route (pass one it answered)")
    return value[0], value[1], value[2]
