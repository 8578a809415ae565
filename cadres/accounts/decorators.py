"""View decorators: each declares who may open the view (deny by default: a view that declares
nothing and that no PAGE_POLICY entry names is refused), and the ones that check turn a refusal
into a 403 and record it.

    @public                       # the login page: anyone, signed in or not
    @signed_in_only               # password change, the two-factor step: any signed-in user
    @requires("accounts.manage")  # a permission code (cadres.accounts.codes)
    @require(can_view_records, "查看干部名册")  # a predicate of permissions.py, with its label

`AccessPolicyMiddleware` reads the declaration before the view runs; the checking decorators
also check inside the view, so a view called without the middleware is guarded too.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from cadres.accounts.permissions import POLICY_ATTRIBUTE, PUBLIC, SIGNED_IN, has_permission
from cadres.accounts.services import permission_denied_record


def refuse(request: HttpRequest, what: str) -> None:
    """Record the refusal in the audit record, then raise PermissionDenied (403)."""
    permission_denied_record(actor=request.user, what=what, path=request.get_full_path())
    raise PermissionDenied(what)


def _declare(view: Any, policy: Any) -> Any:
    setattr(view, POLICY_ATTRIBUTE, policy)
    return view


def public(view: Any) -> Any:
    """Open to anyone, signed in or not (and exempt from LoginRequiredMiddleware)."""
    return _declare(login_not_required(view), PUBLIC)


def signed_in_only(view: Any) -> Any:
    """Open to every signed-in user, whatever the roles (anonymous users go to the login)."""
    return _declare(view, SIGNED_IN)


def requires(code: str, what: str = "") -> Callable:
    """Allow the view only to users whose roles carry the permission code; others get a 403.

        @requires("accounts.manage")
        def user_list(request): ...
    """
    from cadres.accounts.codes import permission_label

    label = what or permission_label(code)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_permission(request.user, code):
                refuse(request, label)
            return view(request, *args, **kwargs)

        return _declare(wrapped, code if not what else (_code_predicate(code), label))

    return decorator


def _code_predicate(code: str) -> Callable[[Any], bool]:
    def holds_code(user: Any) -> bool:
        return has_permission(user, code)

    return holds_code


def require(predicate: Callable[[Any], bool], what: str = "") -> Callable:
    """Allow the view only to users for whom `predicate(user)` holds; others get a 403.

        @require(can_view_records, "查看干部名册")
        def roster(request): ...
    """
    label = what or predicate.__name__

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                refuse(request, label)
            return view(request, *args, **kwargs)

        return _declare(wrapped, (predicate, label))

    return decorator
