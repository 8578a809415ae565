"""What one user may reach: the roles held and the two unit scopes, computed once per request.

Each unit named in a grant stands for its whole subtree (the unit and every unit whose path
starts with its path and a separator), so a grant over a township covers its offices too.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from cadres.org.models import PATH_SEPARATOR

CACHE_ATTRIBUTE = "_cadres_access"
# Role attributes that are not permission codes.
ROLE_FLAGS = ("all_units", "requires_two_factor")
# The capability flags roles had before permission codes, still accepted by `Access.has` and
# the `may` template filter so that callers written against them keep working.
LEGACY_FLAGS = {
    "sees_records": "people.view",
    "sees_analysis": "analytics.view",
    "sees_sensitive": "people.view_sensitive",
    "sees_reports": "reports.view",
    "browses_audit": "audit.view",
    "manages_users": "accounts.manage",
}
# Which unit scope each action reads (see `scope_paths`).
ACTIONS = ("view", "change")


@dataclass(frozen=True)
class Access:
    """The union of a user's current grants: permission codes, role flags, unit scopes."""

    role_codes: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
    managed_paths: frozenset[str] = frozenset()
    maintained_paths: frozenset[str] = frozenset()
    is_superuser: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def has(self, code: str) -> bool:
        """Holds the permission code (or role flag); superusers hold every one."""
        if self.is_superuser:
            return True
        code = LEGACY_FLAGS.get(code, code)
        if code in ROLE_FLAGS:
            return code in self.flags
        return code in self.permissions

    @property
    def all_units(self) -> bool:
        return self.has("all_units")

    @property
    def visible_paths(self) -> frozenset[str]:
        return self.managed_paths | self.maintained_paths


NO_ACCESS = Access()


def access_for(user: Any) -> Access:
    """The access of a user, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    from cadres.accounts.models import Grant

    today = timezone.localdate()
    grants = (
        Grant.objects.filter(user_id=user.pk)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .select_related("role")
        .prefetch_related("managed_units", "maintained_units")
    )
    role_codes: set[str] = set()
    permissions: set[str] = set()
    flags: set[str] = set()
    managed: set[str] = set()
    maintained: set[str] = set()
    for grant in grants:
        role_codes.add(grant.role.code)
        permissions.update(code for code in grant.role.permissions or () if isinstance(code, str))
        flags.update(flag for flag in ROLE_FLAGS if getattr(grant.role, flag))
        managed.update(unit.path for unit in grant.managed_units.all())
        maintained.update(unit.path for unit in grant.maintained_units.all())
    access = Access(
        role_codes=frozenset(role_codes), permissions=frozenset(permissions),
        flags=frozenset(flags), managed_paths=frozenset(managed),
        maintained_paths=frozenset(maintained), is_superuser=bool(user.is_superuser),
    )
    setattr(user, CACHE_ATTRIBUTE, access)
    return access


def scope_paths(access: Access, action: str) -> frozenset[str] | None:
    """The unit paths (each with its subtree) whose records the action may reach; None means
    every unit (superusers and `all_units` roles).

    "view" reaches the managed and the maintained units (管理权限 ∪ 信息维护权限); "change"
    only the maintained ones (信息维护权限). The scope says *where*; whether the user may do
    the action at all is the permission code's question (`permissions.has_permission`).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    if access.all_units:
        return None
    return access.visible_paths if action == "view" else access.maintained_paths


def forget_access(user: Any) -> None:
    """Drop the cached access, after the user's grants changed."""
    if user is not None and hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)


def subtree_q(paths: frozenset[str] | set[str], *, prefix: str = "") -> Q:
    """Units (or rows through `prefix`, e.g. "unit__") inside the subtrees of these unit paths.

    No paths gives a condition nothing matches.
    """
    if not paths:
        return Q(pk__in=[])
    condition = Q(**{f"{prefix}path__in": sorted(paths)})
    for path in sorted(paths):
        condition |= Q(**{f"{prefix}path__startswith": path + PATH_SEPARATOR})
    return condition


def path_in_scope(path: str, paths: frozenset[str] | set[str]) -> bool:
    return any(path == root or path.startswith(root + PATH_SEPARATOR) for root in paths)
