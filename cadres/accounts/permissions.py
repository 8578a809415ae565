"""Who may do what: named predicates used by every view, API and command.

Each predicate is computed from the permission codes of the user's roles (`Role.permissions`,
registered per module in `cadres.accounts.codes`) and, for objects, from the unit scope. Reads
are scoped by `Person.objects.restrict(user, "view" | "change")` (`visible_to` is the "view"
alias): a record outside the scope is a 404; these predicates answer the yes/no questions (a
refusal is a 403). Superusers and roles marked `all_units` (系统管理员) are not limited by unit.

Every view declares who may open it (deny by default): an entry of PAGE_POLICY below, by view
name or namespace, or a decorator of `cadres.accounts.decorators` (`@public`,
`@signed_in_only`, `@requires("code")`). `AccessPolicyMiddleware` refuses any other view.
"""

from collections.abc import Callable
from typing import Any

from cadres.accounts.codes import permission_label
from cadres.accounts.scopes import access_for, path_in_scope


def _unit_path(unit: Any) -> str:
    return unit.path


def has_permission(user: Any, code: str) -> bool:
    """The user's current roles carry the permission code (superusers carry every code)."""
    return access_for(user).has(code)


def can_view_records(user: Any) -> bool:
    """May open the roster and cadre pages (within the unit scope)."""
    return has_permission(user, "people.view")


def can_view_units(user: Any) -> bool:
    """May open the unit tree and unit pages (within the unit scope)."""
    return has_permission(user, "org.view")


def can_change_units(user: Any) -> bool:
    return has_permission(user, "org.change")


def can_view_analysis(user: Any) -> bool:
    """May open the structure analysis (within the unit scope)."""
    return has_permission(user, "analytics.view")


def can_view_plans(user: Any) -> bool:
    """May open the plan gaps and the age-limit forecast (within the unit scope)."""
    return has_permission(user, "plans.view")


def can_edit_plans(user: Any) -> bool:
    """May add, change and delete plan targets and age limits."""
    return has_permission(user, "plans.change")


def can_see_sensitive(user: Any) -> bool:
    """May see 身份证号, family, assessments and reports unmasked (after a registered read)."""
    return has_permission(user, "people.view_sensitive")


def can_export_sensitive(user: Any) -> bool:
    """May export 身份证号 and family unmasked (with a stated purpose, audited)."""
    return has_permission(user, "people.export_sensitive")


def can_see_reports(user: Any) -> bool:
    """May see 12380 reports (the supervision office)."""
    return has_permission(user, "reports.view")


def can_browse_audit(user: Any) -> bool:
    """May browse the audit record (系统管理员 all of it, 干部监督科 its scope; see README)."""
    return has_permission(user, "audit.view")


def can_export_audit(user: Any) -> bool:
    return has_permission(user, "audit.export")


def can_manage_users(user: Any) -> bool:
    """May create users, reset passwords, unlock sign-ins and change grants and roles."""
    return has_permission(user, "accounts.manage")


def requires_two_factor(user: Any) -> bool:
    """Administrators and officers sign in with a TOTP code after the password.

    Decided by the roles granted (系统管理员, 干部科, 干部监督科 by default), not by the superuser
    flag: the administrator account made by `cadres create-admin` holds the 系统管理员 role.
    """
    return "requires_two_factor" in access_for(user).flags


def can_view_unit(user: Any, unit: Any) -> bool:
    access = access_for(user)
    return access.all_units or path_in_scope(_unit_path(unit), access.visible_paths)


def can_maintain_unit(user: Any, unit: Any) -> bool:
    """The unit lies inside the user's 信息维护权限 scope."""
    access = access_for(user)
    return access.all_units or path_in_scope(_unit_path(unit), access.maintained_paths)


def can_edit_person(user: Any, person: Any) -> bool:
    """May change a cadre's record: people.change, and the person's unit is inside the
    maintain scope."""
    return has_permission(user, "people.change") and can_maintain_unit(user, person.unit)


def can_import_roster(user: Any, unit: Any = None) -> bool:
    """May import a roster; with a unit, that unit must be inside the maintain scope.

    Without a unit the question is whether the user maintains any unit at all; the import then
    checks every row's unit with `can_maintain_unit`.
    """
    if not has_permission(user, "people.import"):
        return False
    access = access_for(user)
    if unit is None:
        return access.all_units or bool(access.maintained_paths)
    return can_maintain_unit(user, unit)


def unit_paths_outside_maintain_scope(user: Any, paths: Any) -> list[str]:
    """The unit paths (e.g. a roster's 单位 column) the user may not write to, sorted.

    None stands for the system (a command run without --user) and may write everywhere. A
    roster import refuses the whole file when this is not empty.
    """
    if user is None:
        return []
    access = access_for(user)
    if access.all_units:
        return []
    return sorted({path for path in paths if not path_in_scope(path, access.maintained_paths)})


def can_export_roster(user: Any) -> bool:
    return has_permission(user, "people.export")


def is_own_or_relative(user: Any, person: Any) -> bool:
    """The person is the user, or a relative recorded in either file (回避)."""
    own_id = getattr(user, "person_id", None)
    if own_id is None:
        return False
    if own_id == person.pk:
        return True
    from cadres.accounts.selectors import relatives_of

    return person.pk in relatives_of(own_id) or own_id in relatives_of(person.pk)


def can_open_dossier(user: Any, person: Any) -> bool:
    """May open the full file (查阅): sensitive access, in scope, and not one's own or a
    relative's (《干部人事档案工作条例》)."""
    return (
        can_view_records(user)
        and can_see_sensitive(user)
        and can_view_unit(user, person.unit)
        and not is_own_or_relative(user, person)
    )


# Who may open each group of pages, checked for every request before the view runs
# (cadres.accounts.middleware.AccessPolicyMiddleware). The key is a full view name or a
# namespace; the value a permission code, or a (predicate, label) pair. A policy the view
# declares itself (cadres.accounts.decorators) wins, then the view name, then its namespace;
# a view none of these names is refused. Views still scope their records with restrict() (404
# outside the scope) and check object-level predicates such as can_edit_person themselves.
PolicyValue = str | tuple[Callable[[Any], bool], str]
PAGE_POLICY: dict[str, PolicyValue] = {
    "people": "people.view",
    "people:roster_export": "people.export",
    "people:roster_import": (can_import_roster, "导入干部名册"),
    "people:roster_import_confirm": (can_import_roster, "导入干部名册"),
    "org": "org.view",
    "analytics": "analytics.view",
    "plans": "plans.view",
    "audit": "audit.view",
    "audit:event_export": "audit.export",
}

# Marks a view carries (set by cadres.accounts.decorators) instead of a PAGE_POLICY entry.
POLICY_ATTRIBUTE = "cadres_access_policy"
PUBLIC = "public"  # anyone, signed in or not (the login page)
SIGNED_IN = "signed_in"  # any signed-in user (password change, the two-factor step)
# Views of Django itself that serve static files, if a deployment mounts them.
PUBLIC_VIEWS = frozenset({"django.views.static.serve", "django.contrib.staticfiles.views.serve"})


def _as_pair(value: PolicyValue) -> tuple[Callable[[Any], bool], str]:
    if isinstance(value, str):
        code = value

        def holds_code(user: Any) -> bool:
            return has_permission(user, code)

        holds_code.__name__ = f"has_{code.replace('.', '_')}"
        return holds_code, permission_label(code)
    return value


def page_policy(view_name: str, namespace: str) -> tuple[Callable[[Any], bool], str] | None:
    """The (predicate, label) PAGE_POLICY gives a view: by its name, else by its namespace
    (the innermost first, for nested namespaces)."""
    if view_name in PAGE_POLICY:
        return _as_pair(PAGE_POLICY[view_name])
    parts = namespace.split(":") if namespace else []
    while parts:
        key = ":".join(parts)
        if key in PAGE_POLICY:
            return _as_pair(PAGE_POLICY[key])
        parts.pop()
    return None


def declared_policy(view: Any) -> Any:
    """The policy a view carries itself (PUBLIC, SIGNED_IN, a code or a (predicate, label)
    pair), from a decorator on the function or on its class-based view; None when none."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        policy = getattr(candidate, POLICY_ATTRIBUTE, None)
        if policy is not None:
            return policy
    name = f"{getattr(view, '__module__', '')}.{getattr(view, '__qualname__', '')}"
    return PUBLIC if name in PUBLIC_VIEWS else None


def view_policy(view: Any, view_name: str, namespace: str) -> Any:
    """What guards a view: PUBLIC, SIGNED_IN or a (predicate, label) pair; None means the
    view declares nothing and is refused."""
    declared = declared_policy(view)
    if declared is not None:
        return declared if declared in (PUBLIC, SIGNED_IN) else _as_pair(declared)
    return page_policy(view_name, namespace)
