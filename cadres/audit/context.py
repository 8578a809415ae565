"""The id of the request being served, which every audit event written during it carries."""

import contextvars
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("audit_request_id", default="")
REQUEST_ID_HEADER = "X-Request-Id"


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_id_as(request_id: str) -> Iterator[None]:
    """Events written inside carry this request id: a background job carries the id of the
    request that started it."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdMiddleware:
    """Gives each request an id (shown in the response header) for its audit events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response
