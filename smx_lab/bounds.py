"""Bounds on what a client sends and on what an answer echoes back.

:func:`loads` reads JSON from a client (a request body; a SearchExpression written as query text)
under structural limits, checked before anything recursive runs: a body nested 100,000 deep must be
a 400 naming the rule, not a ``RecursionError`` in ``json.loads`` or in a schema validator. The
nesting depth, the number of arrays and objects, and the number of values are counted on the text
itself (strings masked out by regular expressions, so in C, not in a Python loop over every
character); then the standard library parses it; then one iterative walk checks the items of each
array, the keys of each object and the length of each string.

The limits sit above the largest legitimate request of every route (a test checks them against the
OpenAPI document): the deepest is a table or chart request whose selection carries a
SearchExpression nested as deep as SageMaker allows (49 levels of SubExpressions: 104 levels of
JSON); the widest, a selection of :data:`MAX_ITEMS` names.

:func:`excerpt` and :func:`bounded` keep an error answer small whatever the input: a string becomes
its first :data:`EXCERPT` characters and its length, a list its first items.
"""

from __future__ import annotations

import json
import math
import re
from itertools import islice
from typing import Any

from .errors import ValidationError

#: Levels of arrays and objects, the outermost counted (the deepest legitimate request has 104).
MAX_DEPTH = 128
#: Arrays and objects in one document (a legitimate request has a few hundred at most).
MAX_CONTAINERS = 10_000
#: Values in one document (a selection of the most names it may carry has 100,000).
MAX_VALUES = 1_000_000
#: Items of one array: the most names a selection or a chart request may carry.
MAX_ITEMS = 100_000
#: Keys of one object (no request object has more than a few dozen fields).
MAX_KEYS = 1_000
#: Characters of one string or key (the longest a request documents is 4096: query text, cursors).
MAX_STRING = 65_536
#: Characters of client input an error answer quotes, at most.
EXCERPT = 200
#: Items of a list (or entries of an object) an error answer quotes, at most.
EXCERPT_ITEMS = 20

_STRING = re.compile(r'"[^"]*"')
_BRACKET = re.compile(r"[\[\]{}]")


def loads(raw: bytes | str, field: str = "body", *, name_paths: bool = True) -> Any:
    """JSON text → Python values, within the module's limits. A broken limit raises
    :class:`ValidationError` naming ``field`` (or, with ``name_paths``, the path below it:
    ``selection.components``) and the rule, with the ``limit``. Text that is not JSON raises
    ``ValueError`` (``json.JSONDecodeError`` where the standard library says where); NaN and
    Infinity are not JSON."""
    text = raw if isinstance(raw, str) else raw.decode(json.detect_encoding(raw), "surrogatepass")
    _check_structure(text, field)
    value = json.loads(text, parse_constant=_not_json)
    _check_values(value, field, name_paths)
    return value


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


def _check_structure(text: str, field: str) -> None:
    """Depth, arrays and objects, values: counted on the text with its strings masked out."""
    # Escapes only occur in strings (elsewhere the text is not JSON anyway); once escaped
    # backslashes are gone, a backslash before a quote escapes it.
    text = text.replace("\\\\", "").replace('\\"', "")
    # A string is a value or a key, and every key has a value: values >= quotes / 4.
    if text.count('"') > 4 * MAX_VALUES:
        raise _broken(field, f"holds more than {MAX_VALUES} values", MAX_VALUES)
    if '"' in text:
        text = _STRING.sub("", text)
    depth = 0
    # Bounded: past 2 * MAX_CONTAINERS brackets, the count of containers is the rule broken.
    for bracket in islice(_BRACKET.finditer(text), 2 * MAX_CONTAINERS + 2):
        if bracket[0] in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _broken(field, f"nests deeper than {MAX_DEPTH} levels", MAX_DEPTH)
        else:
            depth -= 1
    if text.count("[") + text.count("{") > MAX_CONTAINERS:
        rule = f"holds more than {MAX_CONTAINERS} arrays and objects"
        raise _broken(field, rule, MAX_CONTAINERS)
    if text.count(",") >= MAX_VALUES:  # n commas separate at least n + 1 values
        raise _broken(field, f"holds more than {MAX_VALUES} values", MAX_VALUES)


def _check_values(value: Any, field: str, name_paths: bool) -> None:
    """Items of each array, keys of each object, characters of each string: one iterative walk."""

    def where(path: tuple[str | int, ...]) -> str:
        return (_field_name(path) or field) if name_paths else field

    if isinstance(value, str) and len(value) > MAX_STRING:
        raise _broken(field, f"is longer than {MAX_STRING} characters", MAX_STRING)
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            if len(node) > MAX_KEYS:
                raise _broken(where(path), f"holds more than {MAX_KEYS} keys", MAX_KEYS)
            entries: Any = node.items()
        elif isinstance(node, list):
            if len(node) > MAX_ITEMS:
                raise _broken(where(path), f"holds more than {MAX_ITEMS} items", MAX_ITEMS)
            entries = enumerate(node)
        else:
            continue
        for key, item in entries:
            if type(key) is str and len(key) > MAX_STRING:
                rule = f"holds a key longer than {MAX_STRING} characters"
                raise _broken(where(path), rule, MAX_STRING)
            if type(item) is str:
                if len(item) > MAX_STRING:
                    rule = f"is longer than {MAX_STRING} characters"
                    raise _broken(where((*path, key)), rule, MAX_STRING)
            elif type(item) is dict or type(item) is list:
                stack.append((item, (*path, key)))


def _broken(field: str, rule: str, limit: int) -> ValidationError:
    return ValidationError(field, rule, limit=limit)


def _field_name(path: tuple[str | int, ...]) -> str:
    """``("selection", "components", 3)`` → ``selection.components[3]``, as schema errors name
    fields."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out = f"{out}[{part}]"
        else:
            out = f"{out}.{part}" if out else part
    return out


# --- what an error answer echoes ---------------------------------------------------------------


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text`` itself when short; else its first ``limit`` characters, an ellipsis and its
    length: ``'aaaa… (20000000 characters)'``."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


def bounded(value: Any, depth: int = 0) -> Any:
    """A JSON-ready copy of an error detail that quotes at most a little of it: every string an
    :func:`excerpt`, every list its first :data:`EXCERPT_ITEMS` items (then a note of how many
    there were), every object as many entries, three levels deep; other values as short text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**64 else _number_text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, (list, tuple, dict)) and depth >= 3:
        return f"… ({type(value).__name__} of {len(value)})"
    if isinstance(value, dict):
        out = {
            excerpt(str(key)): bounded(item, depth + 1)
            for key, item in islice(value.items(), EXCERPT_ITEMS)
        }
        if len(value) > EXCERPT_ITEMS:
            out["…"] = f"({len(value)} entries)"
        return out
    if isinstance(value, (list, tuple)):
        items = [bounded(item, depth + 1) for item in islice(value, EXCERPT_ITEMS)]
        if len(value) > EXCERPT_ITEMS:
            items.append(f"… ({len(value)} items)")
        return items
    return excerpt(str(value))


def _number_text(value: int) -> str:
    try:
        return excerpt(str(value))
    except ValueError:  # more digits than Python converts to text
        return "… (an integer of more than 4300 digits)"
