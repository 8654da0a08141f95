"""Anthropic-shaped API errors: the JSON body and HTTP status the real Messages API uses.

Every failure the emulator reports to a client goes through :class:`ApiError`, so a response body is
always ``{"type": "error", "error": {"type": ..., "message": ...}, "request_id": "req_..."}`` (the
request id also sent in the ``request-id`` header, as recorded) and the SDK raises its own exception
class for the status (``BadRequestError`` for 400, ``NotFoundError`` for 404, ...).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "error_body"]


def error_body(error_type: str, message: str, request_id: str | None = None) -> dict[str, Any]:
    """The JSON body of an API error, as the Messages API sends it (``request_id`` when given)."""
    body: dict[str, Any] = {"type": "error", "error": {"type": error_type, "message": message}}
    if request_id is not None:
        body["request_id"] = request_id
    return body


class ApiError(Exception):
    """A request the emulator answers with an HTTP error status and an Anthropic-shaped body."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message

    @classmethod
    def invalid(cls, message: str) -> ApiError:
        """A 400 ``invalid_request_error``."""
        return cls(400, "invalid_request_error", message)

    def body(self, request_id: str | None = None) -> dict[str, Any]:
        """The JSON body for this error."""
        return error_body(self.error_type, self.message, request_id)
