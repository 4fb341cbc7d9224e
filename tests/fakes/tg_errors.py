"""The Bot API's error envelope: ``{"ok": false, "error_code", "description", "parameters"?}``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ApiError(Exception):
    """A failure the fake answers with; the HTTP status equals ``code`` as on the real server."""

    code: int
    description: str
    parameters: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    def body(self) -> dict[str, object]:
        out: dict[str, object] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = dict(self.parameters)
        return out


def bad_request(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


def forbidden(message: str) -> ApiError:
    return ApiError(403, f"Forbidden: {message}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


UNAUTHORIZED = ApiError(401, "Unauthorized")
METHOD_NOT_FOUND = ApiError(404, "Not Found: method not found")
