"""One error body for every failure: ``{"error": {"code", "message", "field"}}``.

No stack trace, SQL or exception text of an unexpected error ever reaches the client
(reliability-security.md A14, ASVS 5.0 16.5.1); it goes to the server log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecowarden.errors import ValidationError

logger = logging.getLogger(__name__)

_CODES: Final = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
}


class ApiError(Exception):
    """An error answered as it is: status, code, message, the offending field if any."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.field = field
        self.headers = headers


def not_found(what: str, name: str, field: str | None = None) -> ApiError:
    """The 404 of a missing object, and of another enterprise's object (the same answer)."""
    return ApiError(404, f"{what} {name!r} not found", field=field)


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The JSON error body."""
    return JSONResponse(
        {"error": {"code": code, "message": message, "field": field}},
        status_code=status,
        headers=headers,
    )


def _field_of(location: tuple[object, ...] | list[object]) -> str | None:
    # ("query", "limit") → "limit"; ("body", "password") → "password"; ("body",) → None
    parts = [str(part) for part in location[1:]]
    return ".".join(parts) if parts else None


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.code, error.message, error.field, error.headers)


async def _request_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {}
    field = _field_of(tuple(first.get("loc", ())))
    message = str(first.get("msg", "invalid request"))
    return error_response(422, "validation_error", f"{field or 'request'}: {message}", field)


async def _validation(request: Request, error: Exception) -> JSONResponse:
    return error_response(422, "validation_error", str(error))


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = _CODES.get(error.status_code, "error")
    message = "not found" if error.status_code == 404 else str(error.detail)
    return error_response(error.status_code, code, message, None, error.headers)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "internal error")


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error with the one body."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(ValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
