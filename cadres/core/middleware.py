"""Security middleware: response headers (Content-Security-Policy and friends) and idle-session
expiry."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

# No inline script or style, no plugins, no framing, forms post only back to this site.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

IDLE_KEY = "_last_activity"


class SecurityHeadersMiddleware:
    """Adds the headers Django 5.2 does not set itself: CSP, Permissions-Policy, COOP.

    (X-Content-Type-Options, Referrer-Policy and X-Frame-Options come from Django's own
    SecurityMiddleware and XFrameOptionsMiddleware.) Pages that are not HTML keep the policy too:
    it costs nothing and protects a download that a browser decides to render.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Cadre records must not linger in shared browser or proxy caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class IdleSessionMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request.

    The session cookie also expires SESSION_COOKIE_AGE after the last request
    (SESSION_SAVE_EVERY_REQUEST), and the database session with it; this check makes the
    server-side rule explicit and independent of the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limit = getattr(settings, "SESSION_IDLE_SECONDS", settings.SESSION_COOKIE_AGE)
            now = time.time()
            last = request.session.get(IDLE_KEY)
            if last is not None and now - float(last) > limit:
                is_htmx = request.headers.get("HX-Request") == "true"
                logout(request)
                messages.info(request, "长时间未操作，已自动退出，请重新登录。")
                if is_htmx:
                    # A partial request would swap the login page into a fragment.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect(settings.LOGIN_URL)
            request.session[IDLE_KEY] = now
        return self.get_response(request)
