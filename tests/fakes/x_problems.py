"""X API v2 error bodies ("problems"), in the documented shapes
(https://docs.x.com/x-api/fundamentals/response-codes-and-errors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]
PROBLEMS = "https://api.x.com/2/problems/"


@dataclass(frozen=True)
class Failure:
    """A scripted error response: status, JSON body, and whether to send ``x-rate-limit-reset``."""

    status: int
    body: JSON
    reset_header: bool = True


class InvalidRequest(Exception):
    """Raised by endpoint code for a 400 ``invalid-request`` problem."""

    def __init__(self, parameter: str, value: str, message: str) -> None:
        super().__init__(message)
        self.parameter, self.value, self.message = parameter, value, message

    def body(self) -> JSON:
        return invalid_request(self.parameter, self.value, self.message)


def invalid_request(parameter: str, value: str, message: str) -> JSON:
    return {
        "errors": [{"parameters": {parameter: [value]}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": f"{PROBLEMS}invalid-request",
    }


def unauthorized() -> JSON:
    return {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}


def too_many_requests() -> Failure:
    return Failure(
        429,
        {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
    )


def rate_limited_without_reset() -> Failure:
    return Failure(429, too_many_requests().body, reset_header=False)


def usage_capped() -> Failure:
    return Failure(
        429,
        {
            "title": "UsageCapExceeded",
            "detail": "Usage cap exceeded: Monthly product cap",
            "type": f"{PROBLEMS}usage-capped",
            "period": "Monthly",
            "scope": "Product",
        },
    )


def service_unavailable() -> Failure:
    return Failure(
        503,
        {
            "title": "Service Unavailable",
            "detail": "Service Unavailable",
            "type": "about:blank",
            "status": 503,
        },
    )


def server_error(status: int = 500) -> Failure:
    return Failure(
        status,
        {
            "title": "Internal Server Error",
            "detail": "Internal Server Error",
            "type": "about:blank",
            "status": status,
        },
    )


def not_enrolled() -> JSON:
    return {
        "client_id": "1000001",
        "detail": "When authenticating requests to the X API v2 endpoints, you must use keys and tokens "
        "from an App attached to a Project with the appropriate level of API access.",
        "registration_url": "https://developer.x.com/en/portal/dashboard",
        "title": "Client Forbidden",
        "required_enrollment": "Appropriate Level of API Access",
        "reason": "client-not-enrolled",
        "type": f"{PROBLEMS}client-forbidden",
    }


def _connection_problem(issue: str, detail: str) -> JSON:
    return {
        "title": "ConnectionException",
        "detail": detail,
        "connection_issue": issue,
        "type": f"{PROBLEMS}streaming-connection",
    }


def too_many_connections() -> JSON:
    return _connection_problem(
        "TooManyConnections", "This stream is currently at the maximum allowed connection limit."
    )


def no_rules() -> JSON:
    return _connection_problem(
        "RuleConfigurationIssue", "This stream has no rules. Add rules before connecting."
    )


def operational_disconnect(
    detail: str = "This stream has been disconnected for operational reasons.",
) -> JSON:
    return {
        "errors": [
            {
                "title": "operational-disconnect",
                "disconnect_type": "UpstreamOperationalDisconnect",
                "detail": detail,
                "type": f"{PROBLEMS}operational-disconnect",
            }
        ]
    }


def not_found(resource_type: str, parameter: str, value: str) -> JSON:
    return {
        "value": value,
        "detail": f"Could not find {resource_type} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": value,
        "type": f"{PROBLEMS}resource-not-found",
    }


def suspended(parameter: str, value: str) -> JSON:
    return {
        "value": value,
        "detail": f"User has been suspended: [{value}].",
        "title": "Forbidden",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": value,
        "type": f"{PROBLEMS}resource-not-found",
    }


def duplicate_rule(value: str, existing_id: str) -> JSON:
    return {"value": value, "id": existing_id, "title": "DuplicateRule", "type": f"{PROBLEMS}duplicate-rules"}


def invalid_rule(value: str, detail: str) -> JSON:
    return {
        "value": value,
        "details": [detail],
        "title": "UnprocessableEntity",
        "type": f"{PROBLEMS}invalid-rules",
    }


def rule_cap(limit: int) -> JSON:
    return {
        "title": "RulesCapExceeded",
        "detail": f"Rule creation would exceed the cap of {limit} rules.",
        "type": f"{PROBLEMS}rule-cap",
    }


def rule_not_found(rule_id: str) -> JSON:
    return {
        "value": rule_id,
        "title": "Not Found Error",
        "detail": "Rule does not exist",
        "type": f"{PROBLEMS}resource-not-found",
    }
