"""The typed query syntax of the search box and ``%smx search``, compiled to a SearchExpression:
``metrics.test:accuracy.max > 0.9 and parameters.optimizer = "sgd"``.

A malformed query raises :class:`~smx_lab.errors.QueryError` saying at which position of the text
it broke and what was expected there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError, ValidationError
from ..vocabulary import TRIAL_COMPONENT
from .properties import canonical_property, check_resource
from .validate import MAX_ELEMENTS, MAX_LIST_MEMBERS, validate_condition, validate_expression

_COMPARISONS = {
    "=": "Equals",
    "==": "Equals",
    "!=": "NotEquals",
    ">": "GreaterThan",
    ">=": "GreaterThanOrEqualTo",
    "<": "LessThan",
    "<=": "LessThanOrEqualTo",
}
_KEYWORDS = ("and", "or", "not", "contains", "exists", "in")
_AFTER_FIELD = ["=", "!=", ">", ">=", "<", "<=", "contains", "exists", "not exists", "in"]
_AFTER_CONDITION = ["and", "or", "end of query"]
# Characters that end a bare word: blanks, quotes, parentheses, commas, comparison signs.
_WORD = re.compile(r"[^\s\"'(),=!<>]+")
_OPERATOR = re.compile(r"==|!=|>=|<=|=|>|<")


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "string", "op", "(", ")", ",", "end"
    text: str
    position: int

    def is_keyword(self, word: str) -> bool:
        return self.kind == "word" and self.text.lower() == word


def tokenize(text: str) -> list[Token]:
    """Split typed query text into tokens; an unterminated string or a stray ``!``
    → QueryError."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
            continue
        if char in "(),":
            tokens.append(Token(char, char, index))
            index += 1
            continue
        if char in "\"'":
            end = index + 1
            chunk: list[str] = []
            while end < len(text) and text[end] != char:
                # A backslash escapes the quote character and itself.
                if text[end] == "\\" and end + 1 < len(text) and text[end + 1] in (char, "\\"):
                    end += 1
                chunk.append(text[end])
                end += 1
            if end >= len(text):
                raise QueryError(
                    f"at position {index}: expected a closing {char} "
                    "for the string that starts here",
                    position=index,
                    expected=[char],
                )
            tokens.append(Token("string", "".join(chunk), index))
            index = end + 1
            continue
        operator = _OPERATOR.match(text, index)
        if operator:
            tokens.append(Token("op", operator.group(), index))
            index = operator.end()
            continue
        word = _WORD.match(text, index)
        if not word:
            raise QueryError(
                f"at position {index}: unexpected {char!r}; expected a comparison such as != or =",
                position=index,
                expected=list(_COMPARISONS),
            )
        tokens.append(Token("word", word.group(), index))
        index = word.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def is_plain_text(text: str) -> bool:
    """True when ``text`` is words to look for in names rather than a query: no comparison,
    parenthesis, comma, quote or keyword (``and or not contains exists in``)."""
    if not text or not text.strip():
        return False
    try:
        tokens = tokenize(text)
    except QueryError:
        return not any(char in text for char in "=<>()")
    return all(
        token.kind in ("word", "end") and token.text.lower() not in _KEYWORDS for token in tokens
    )


def parse_query(text: str, resource: str = TRIAL_COMPONENT) -> dict[str, Any] | None:
    """Compile the typed syntax to a validated, normalised SearchExpression; empty text → None.

    Grammar (keywords case-insensitive, ``and`` binds tighter than ``or``)::

        query      := conjunction ("or" conjunction)*
        conjunction:= term ("and" term)*
        term       := "(" query ")" | field condition
        condition  := ("=" | "==" | "!=" | ">" | ">=" | "<" | "<=" | "contains") value
                    | "exists" | "not" "exists" | "in" "(" value ("," value)* ")"
        field, value := bare word | "double-quoted" | 'single-quoted'
    """
    check_resource(resource)
    if text is None or not text.strip():
        return None
    parser = _Parser(tokenize(text), resource)
    tree = parser.query()
    end = parser.peek()
    if end.kind != "end":
        if end.kind == ")":
            raise parser.error(end, "this ) closes no (", _AFTER_CONDITION)
        raise parser.error(
            end, f"expected and, or or the end of the query, not {_show(end)}", _AFTER_CONDITION
        )
    return validate_expression(_as_expression(tree), resource)


# The parse tree: a filter dict, or ("And"|"Or", [children]).
_Node = dict[str, Any] | tuple[str, list[Any]]


class _Parser:
    def __init__(self, tokens: list[Token], resource: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.resource = resource
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def error(self, token: Token, message: str, expected: list[str]) -> QueryError:
        return QueryError(
            f"at position {token.position}: {message}", position=token.position, expected=expected
        )

    def query(self) -> _Node:
        return self.chain("or", self.conjunction)

    def conjunction(self) -> _Node:
        return self.chain("and", self.term)

    def chain(self, keyword: str, operand: Callable[[], _Node]) -> _Node:
        """``operand (keyword operand)*``: one operand, or an And/Or node of them."""
        children = [operand()]
        while self.peek().is_keyword(keyword):
            self.take()
            children.append(operand())
        return children[0] if len(children) == 1 else (keyword.capitalize(), children)

    def term(self) -> _Node:
        token = self.peek()
        if token.kind == "(":
            self.depth += 1
            if self.depth > MAX_ELEMENTS:
                # Deeper nesting could not pass SageMaker's element limit anyway.
                raise self.error(
                    token, f"more than {MAX_ELEMENTS} nested parentheses", ["property name"]
                )
            self.take()
            inner = self.query()
            self.depth -= 1
            closing = self.peek()
            if closing.kind != ")":
                raise self.error(
                    closing,
                    f"expected ) to close the ( at position {token.position}, not {_show(closing)}",
                    [")", "and", "or"],
                )
            self.take()
            return inner
        if token.kind not in ("word", "string") or (
            token.kind == "word" and token.text.lower() in ("and", "or")
        ):
            raise self.error(
                token, f"expected a property name or (, not {_show(token)}", ["property name", "("]
            )
        self.take()
        try:
            name = canonical_property(token.text, self.resource)
        except QueryError as unknown:
            raise QueryError(
                f"at position {token.position}: {unknown.message}",
                position=token.position,
                expected=["property name"],
                suggestions=unknown.suggestions,
            ) from None
        return self.condition(name, token)

    def condition(self, name: str, field: Token) -> _Node:
        built = self.operation(name, field)
        try:
            # Checked here, not only at the end, so that a bad value or operator gets a position.
            validate_condition(built, self.resource, "query")
        except (QueryError, ValidationError) as bad:
            rule = bad.message.split(": ", 1)[-1]
            raise QueryError(
                f"at position {field.position}: {rule}",
                position=field.position,
                expected=["a valid condition"],
                suggestions=getattr(bad, "suggestions", None),
            ) from None
        return built

    def operation(self, name: str, field: Token) -> dict[str, Any]:
        token = self.take()
        if token.kind == "op":
            return {"Name": name, "Operator": _COMPARISONS[token.text], "Value": self.value(token)}
        if token.is_keyword("contains"):
            return {"Name": name, "Operator": "Contains", "Value": self.value(token)}
        if token.is_keyword("exists"):
            return {"Name": name, "Operator": "Exists"}
        if token.is_keyword("not"):
            after = self.take()
            if not after.is_keyword("exists"):
                raise self.error(
                    after, f"expected exists after 'not', not {_show(after)}", ["exists"]
                )
            return {"Name": name, "Operator": "NotExists"}
        if token.is_keyword("in"):
            opening = self.take()
            if opening.kind != "(":
                raise self.error(opening, f"expected ( after 'in', not {_show(opening)}", ["("])
            items = [self.value(opening)]
            while self.peek().kind == ",":
                items.append(self.value(self.take()))
            closing = self.take()
            if closing.kind != ")":
                raise self.error(
                    closing,
                    f"expected , or ) in the list of 'in', not {_show(closing)}",
                    [",", ")"],
                )
            for item in items:
                if "," in item:
                    raise self.error(
                        opening, f"a value of 'in' cannot contain a comma ({item!r})", ["value"]
                    )
            return {"Name": name, "Operator": "In", "Value": ",".join(items)}
        raise self.error(
            token, f"expected an operator after {field.text!r}, not {_show(token)}", _AFTER_FIELD
        )

    def value(self, after: Token) -> str:
        token = self.peek()
        if token.kind == "string" or (token.kind == "word"):
            self.take()
            if token.kind == "string" and not token.text:
                raise self.error(token, "expected a value, not an empty string", ["value"])
            return token.text
        raise self.error(
            token, f"expected a value after '{after.text}', not {_show(token)}", ["value"]
        )


def _show(token: Token) -> str:
    if token.kind == "end":
        return "the end of the query"
    if token.kind == "string":
        return f"the string {token.text!r}"
    return repr(token.text)


def _as_expression(node: _Node) -> dict[str, Any]:
    """Parse tree → SearchExpression: filters of a level go to Filters, groups to
    SubExpressions."""
    if isinstance(node, dict):
        return {"Filters": [node], "Operator": "And"}
    operator, children = node
    flat: list[Any] = []
    for child in children:
        # (a and b) and c is a and b and c: one level, not a needless SubExpression.
        if isinstance(child, tuple) and child[0] == operator:
            flat.extend(child[1])
        else:
            flat.append(child)
    filters = [child for child in flat if isinstance(child, dict)]
    groups = [_as_expression(child) for child in flat if not isinstance(child, dict)]
    if len(filters) > MAX_LIST_MEMBERS:
        # SageMaker takes 20 filters per level; more are the same condition one level down.
        chunks = [
            filters[i : i + MAX_LIST_MEMBERS] for i in range(0, len(filters), MAX_LIST_MEMBERS)
        ]
        groups = [{"Filters": chunk, "Operator": operator} for chunk in chunks] + groups
        filters = []
    out: dict[str, Any] = {}
    if filters:
        out["Filters"] = filters
    if groups:
        out["SubExpressions"] = groups
    out["Operator"] = operator
    return out
