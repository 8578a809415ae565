"""Steps a signed-in user must finish before anything else: change a first-login password,
and pass (or enroll in) two-factor login when the role requires it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from cadres.accounts.permissions import page_policy, requires_two_factor

# Pages reachable while a step is pending (the step pages themselves and signing out).
OPEN_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:password_change",
                  "accounts:otp_verify", "accounts:otp_enroll")


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._is_open(request):
            return self.get_response(request)
        if requires_two_factor(user) and not user.is_verified():
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            step = "accounts:otp_verify" if has_device else "accounts:otp_enroll"
            return redirect(f"{reverse(step)}?next={request.get_full_path()}")
        if user.must_change_password:
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        if request.path.startswith("/static/"):
            return True
        match = getattr(request, "resolver_match", None)
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return False
        return match.view_name in OPEN_URL_NAMES


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
