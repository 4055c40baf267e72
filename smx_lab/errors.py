"""Errors every layer raises; the REST API maps each to an HTTP status and a JSON body."""

from __future__ import annotations

from typing import Any


class SmxError(Exception):
    """Base of smx-lab's errors. ``status`` is the HTTP status the REST API answers with."""

    status = 400
    error = "bad_request"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.details}

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as class, args and attributes, not by calling __init__ again (subclasses take
        # other arguments): an error raised in a server worker process answers the same.
        state = dict(self.__dict__)
        if isinstance(self, ImportError):  # its name is a slot, not in __dict__
            state["name"] = self.name
        return (_rebuilt, (type(self), self.args), state)


def _rebuilt(cls: type[SmxError], args: tuple[Any, ...]) -> SmxError:
    error = cls.__new__(cls)
    error.args = args
    return error


class ValidationError(SmxError, ValueError):
    """Bad input: names the field and the rule it breaks."""

    error = "invalid"

    def __init__(self, field: str, rule: str, **details: Any) -> None:
        super().__init__(f"{field}: {rule}", field=field, **details)
        self.field = field
        self.rule = rule


class QueryError(SmxError, ValueError):
    """A query that does not parse or names an unknown field: says where and what was expected."""

    error = "invalid_query"

    def __init__(
        self,
        message: str,
        *,
        position: int | None = None,
        expected: list[str] | None = None,
        suggestions: list[str] | None = None,
    ) -> None:
        details: dict[str, Any] = {}
        if position is not None:
            details["position"] = position
        if expected:
            details["expected"] = expected
        if suggestions:
            details["suggestions"] = suggestions
        super().__init__(message, **details)
        self.position = position
        self.expected = expected or []
        self.suggestions = suggestions or []


class NotFound(SmxError, LookupError):
    status = 404
    error = "not_found"

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind} {name!r} does not exist", kind=kind, name=name)
        self.kind = kind
        self.name = name


class AlreadyExists(SmxError):
    status = 409
    error = "already_exists"

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind} {name!r} already exists", kind=kind, name=name)


class AccessDenied(SmxError):
    status = 403
    error = "access_denied"


class StoreUnavailable(SmxError):
    """The store cannot be reached or refuses for now (AWS down, throttled, credentials expired)."""

    status = 503
    error = "store_unavailable"


class StoreError(SmxError):
    """The store's file or schema is unusable (not an smx-lab database, newer schema, disk full)."""

    status = 503
    error = "store_error"


class MissingDependency(StoreUnavailable, ImportError):
    """An optional dependency is not installed: says what needs it and which of smx_lab's extras
    installs it, in one line (``smx-lab demo needs scikit-learn: pip install "smx_lab[demo]"``).
    An ``ImportError`` too, so ``except ImportError`` still catches it; a 503 in the REST API."""

    def __init__(self, feature: str, package: str, extra: str, *, module: str) -> None:
        install = f'pip install "smx_lab[{extra}]"'
        super().__init__(f"{feature} needs {package}: {install}", missing=package, install=install)
        self.name = module
        self.package = package
        self.extra = extra


class TooLarge(SmxError):
    """A request body over the server's limit (``SmxLabExtension.max_body_bytes``): 413."""

    status = 413
    error = "too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the request body is over {limit} bytes, the most this server accepts "
            "(SmxLabExtension.max_body_bytes)",
            limit=limit,
        )
        self.limit = limit


class NotOffered(SmxError):
    """The configured store does not offer a feature (the embedded store has no SageMaker jobs):
    404, naming the store and the feature."""

    status = 404
    error = "not_offered"

    def __init__(self, store: str, feature: str, message: str) -> None:
        super().__init__(message, store=store, feature=feature)


class NoJob(SmxError):
    """A trial component that no SageMaker training, processing or transform job created: 404."""

    status = 404
    error = "no_job"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"trial component {name!r} was not created by a SageMaker training, processing or "
            "transform job",
            name=name,
        )


class Conflict(SmxError):
    """An action the resource's state does not allow now (stopping a job that is not running,
    deploying a model a training job has not finished): 409, naming the state."""

    status = 409
    error = "conflict"
