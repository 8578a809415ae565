"""Full page or fragment: the one decision every htmx-aware view makes."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps part of a page (not a boosted link, not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_partial_or_page(
    request: HttpRequest, page_template: str, partial_template: str, context: dict[str, Any]
) -> HttpResponse:
    """The fragment for htmx requests, else the whole page (which includes the fragment)."""
    template = partial_template if wants_partial(request) else page_template
    response = render(request, template, context)
    # The same URL answers with two bodies, so caches must key on the htmx header.
    patch_vary_headers(response, ("HX-Request",))
    return response
