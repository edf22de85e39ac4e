"""Errors a use case raises to its caller; the web layer turns each into a status and JSON body."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    message: str
    field: str | None = None


class AppError(Exception):
    status_code = 400

    def __init__(self, *errors: FieldError):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors

    @property
    def headers(self) -> dict[str, str]:
        return {}


class BadRequest(AppError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(FieldError(message, field))


class ValidationFailed(AppError):
    """One or more fields are invalid; all of them are reported at once."""


class NotAuthenticated(AppError):
    status_code = 401

    def __init__(self, message: str = "Not authorized"):
        super().__init__(FieldError(message))


class Forbidden(AppError):
    status_code = 403

    def __init__(self, message: str = "Forbidden"):
        super().__init__(FieldError(message))


class NotFound(AppError):
    status_code = 404

    def __init__(self, message: str = "Not found"):
        super().__init__(FieldError(message))


class Conflict(AppError):
    """The record changed between read and write; the caller may simply try again."""

    status_code = 409

    def __init__(self, message: str = "The record was changed meanwhile; please retry"):
        super().__init__(FieldError(message))


class TooManyRequests(AppError):
    """Too many attempts in a window; `retry_after` seconds until the next one is heard."""

    status_code = 429

    def __init__(self, retry_after: int, message: str = "Too many attempts; try again later"):
        super().__init__(FieldError(message))
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
