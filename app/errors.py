"""Every error leaves as `{"errors": [{"message", "field"}]}` with its status, never a trace."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.serialization import decode_json

from modules.kernel import AppError, FieldError

log = logging.getLogger("ticketing.errors")


def error_response(
    status_code: int, *errors: FieldError, headers: dict[str, str] | None = None
) -> Response[dict[str, Any]]:
    body = {
        "errors": [
            {"message": error.message, **({"field": error.field} if error.field else {})}
            for error in errors
        ]
    }
    return Response(body, status_code=status_code, media_type=MediaType.JSON, headers=headers)


def on_app_error(_: Request[Any, Any, Any], error: AppError) -> Response[dict[str, Any]]:
    return error_response(error.status_code, *error.errors, headers=error.headers)


def on_validation_error(
    _: Request[Any, Any, Any], error: ValidationException
) -> Response[dict[str, Any]]:
    problems = error.extra if isinstance(error.extra, list) else []
    errors = [_field_error(problem) for problem in problems if isinstance(problem, dict)]
    return error_response(400, *(errors or [FieldError(_plain(error.detail))]))


def on_http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    status = error.status_code
    if status >= 500:
        log.error("HTTP %s: %s", status, error.detail, exc_info=error)
        return error_response(status, FieldError("Something went wrong"))
    if isinstance(error.__cause__, SerializationException):
        return error_response(status, FieldError("Request body is not valid JSON"))
    return error_response(status, FieldError(_plain(error.detail)))


def on_unexpected_error(
    request: Request[Any, Any, Any], error: Exception
) -> Response[dict[str, Any]]:
    if _undecodable_body(error):
        return error_response(400, FieldError("Request body is not valid JSON"))
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return error_response(500, FieldError("Something went wrong"))


def _undecodable_body(error: Exception) -> bool:
    """Invalid UTF-8 or too deep nesting escapes Litestar's decoder as a bare error, not 400."""
    if not isinstance(error, UnicodeDecodeError | RecursionError):
        return False
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return trace is not None and trace.tb_frame.f_code is decode_json.__code__


def _field_error(problem: dict[str, Any]) -> FieldError:
    if problem.get("key") == "data":  # the body as a whole is missing
        return FieldError("Request body must be a JSON object")
    message = str(problem.get("message", "Invalid value")).removeprefix("Value error, ")
    key = problem.get("key")
    return FieldError(message, str(key) if key else None)


def _plain(detail: str) -> str:
    return detail.split(" - ")[0] if detail else "Bad request"


EXCEPTION_HANDLERS: dict[Any, Any] = {
    AppError: on_app_error,
    ValidationException: on_validation_error,
    HTTPException: on_http_error,
    Exception: on_unexpected_error,
}
