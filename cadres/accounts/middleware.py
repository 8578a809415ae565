"""Steps a signed-in user must finish before anything else (change a first-login password,
pass or enroll in two-factor login when the role requires it), and the access policy every
view must declare (deny by default)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from cadres.accounts.permissions import requires_two_factor

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
    """Deny by default: refuses (403, one `permission.denied` audit entry) every view whose
    declared policy the user does not satisfy, and every view that declares none (see
    permissions.view_policy). Anonymous users reach only `@public` views; the others send them
    to the login page first (LoginRequiredMiddleware runs before this one).

    Also leaves a trace of probing: a signed-in user's 404 on a URL that names a record (the
    resolver's arguments carry its id) is audited as `access.not_found`, rate-limited.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404:
            self._trace_not_found(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        from cadres.accounts.permissions import PUBLIC, SIGNED_IN, view_policy

        match = request.resolver_match
        if match is None:
            return None
        policy = view_policy(view_func, match.view_name, match.namespace)
        if policy == PUBLIC:
            return None
        user = getattr(request, "user", None)
        if policy is None:
            self._refuse(request, "未声明访问规则的页面")
        if user is None or not user.is_authenticated:
            # A view exempt from the login requirement without being declared public.
            self._refuse(request, "未登录")
        if policy == SIGNED_IN:
            return None
        predicate, what = policy
        if not predicate(user):
            self._refuse(request, what)
        return None

    @staticmethod
    def _refuse(request: HttpRequest, what: str) -> None:
        from cadres.accounts.decorators import refuse

        refuse(request, what)

    @staticmethod
    def _trace_not_found(request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or not user.is_authenticated or match is None:
            return
        if not (match.args or match.kwargs):
            return
        from cadres.accounts.services import not_found_record

        not_found_record(request=request)
