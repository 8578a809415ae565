"""Steps a signed-in user must finish before anything else: change a first-login password,
and pass (or enroll in) two-factor login when the role requires it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from cadres.accounts.permissions import page_policy, requires_two_factor

# Pages reachable while a step is pending (the step pages themselves and signing out).
# The two-factor step comes first: the password cannot be changed with the password alone.
TWO_FACTOR_OPEN_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:otp_verify",
                             "accounts:otp_enroll")
PASSWORD_OPEN_URL_NAMES = (*TWO_FACTOR_OPEN_URL_NAMES, "accounts:password_change")


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        view_name = self._view_name(request)
        if view_name is None:
            return self.get_response(request)
        if (requires_two_factor(user) and not user.is_verified()
                and view_name not in TWO_FACTOR_OPEN_URL_NAMES):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            step = "accounts:otp_verify" if has_device else "accounts:otp_enroll"
            return redirect(f"{reverse(step)}?next={request.get_full_path()}")
        if user.must_change_password and view_name not in PASSWORD_OPEN_URL_NAMES:
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _view_name(request: HttpRequest) -> str | None:
        """The URL name of the request; None for static files and unknown paths (404s)."""
        from django.urls import Resolver404, resolve

        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None


class AccessPolicyMiddleware:
    """Refuses (403, audited) a page whose group the user's roles do not allow; see
    permissions.PAGE_POLICY."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or match is None:
            return None
        policy = page_policy(match.view_name, match.namespace)
        if policy is not None:
            predicate, what = policy
            if not predicate(user):
                from cadres.accounts.decorators import refuse

                refuse(request, what)
        return None
