"""RFC 9457 problem details. Raise a `Problem` anywhere below a handler; the resolver answers it as
application/problem+json with a stable `type` (a relative URI documented in docs/problems.md), a
machine-readable `code` and a human `detail`. Never a stack trace."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from aws_lambda_powertools.event_handler import Response
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker

PROBLEM_JSON = "application/problem+json"


@dataclass
class FieldError:
    loc: str  # "body.email", "query.limit"
    msg: str
    code: str


class Problem(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str | None = None, *, code: str | None = None,
                 errors: list[FieldError] | None = None, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.code = code or self.slug
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra

    @property
    def type(self) -> str:
        return f"/problems/{self.slug}"

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status,
                                "detail": self.detail, "code": self.code}
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [asdict(e) for e in self.errors]
        body.update(self.extra)
        return body

    def to_response(self, instance: str | None = None) -> Response[str]:
        return Response(status_code=self.status, content_type=PROBLEM_JSON,
                        body=json.dumps(self.to_dict(instance), ensure_ascii=False), headers=self.headers)


class BadRequest(Problem):
    status, slug, title = 400, "bad-request", "Bad request"


class MalformedJson(Problem):
    status, slug, title = 400, "malformed-json", "The request body is not valid JSON"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class Gone(Problem):
    status, slug, title = 410, "gone", "Gone"


class MethodNotAllowed(Problem):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"

    def __init__(self, detail: str | None = None, *, allow: list[str], **kwargs: Any) -> None:
        super().__init__(detail, headers={"Allow": ", ".join(allow)}, allow=allow, **kwargs)


class PayloadTooLarge(Problem):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(Problem):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class ValidationFailed(Problem):
    status, slug, title = 422, "validation-failed", "The request is not valid"


class RateLimited(Problem):
    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)}, retry_after=retry_after, **kwargs)


class ServiceUnavailable(Problem):
    status, slug, title = 503, "unavailable", "Temporarily unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None, **kwargs: Any) -> None:
        if retry_after is not None:
            kwargs.update(headers={"Retry-After": str(retry_after)}, retry_after=retry_after)
        super().__init__(detail, **kwargs)


class Throttled(ServiceUnavailable):
    """AWS throttled a call after the SDK's own retries: the caller should come back shortly, not see a 500."""

    RETRY_AFTER_SECONDS = 2

    def __init__(self) -> None:
        super().__init__("We are busy right now. Try again in a moment.", code="throttled",
                         retry_after=self.RETRY_AFTER_SECONDS)


_THROTTLED = ThrottledRetryableChecker()  # what botocore's standard retry mode treats as throttling


def aws_error_code(exc: BaseException) -> str | None:
    """The AWS error code behind an exception: a botocore `ClientError`, PynamoDB's wrapper of one
    (`cause_response_code`), or either one as the cause of what was raised."""
    current: BaseException | None = exc
    for _ in range(5):
        if current is None:
            break
        code = getattr(current, "cause_response_code", None)
        response = getattr(current, "response", None)
        if code is None and isinstance(response, dict):
            code = (response.get("Error") or {}).get("Code")
        if isinstance(code, str):
            return code
        current = current.__cause__ or current.__context__
    return None


def is_throttling(exc: BaseException) -> bool:
    error = {"Error": {"Code": aws_error_code(exc)}}
    return bool(_THROTTLED.is_retryable(RetryContext(attempt_number=1, parsed_response=error)))


class Internal(Problem):
    pass

