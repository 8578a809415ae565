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
FLAGS = ("all_units", "sees_records", "sees_analysis", "sees_sensitive", "sees_reports",
         "browses_audit", "manages_users", "requires_two_factor")


@dataclass(frozen=True)
class Access:
    """The union of a user's current grants."""

    role_codes: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
    managed_paths: frozenset[str] = frozenset()
    maintained_paths: frozenset[str] = frozenset()
    is_superuser: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def has(self, flag: str) -> bool:
        return self.is_superuser or flag in self.flags

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
    role_codes, flags, managed, maintained = set(), set(), set(), set()
    for grant in grants:
        role_codes.add(grant.role.code)
        flags.update(flag for flag in FLAGS if getattr(grant.role, flag))
        managed.update(unit.path for unit in grant.managed_units.all())
        maintained.update(unit.path for unit in grant.maintained_units.all())
    access = Access(
        role_codes=frozenset(role_codes), flags=frozenset(flags),
        managed_paths=frozenset(managed), maintained_paths=frozenset(maintained),
        is_superuser=bool(user.is_superuser),
    )
    setattr(user, CACHE_ATTRIBUTE, access)
    return access


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
