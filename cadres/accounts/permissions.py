"""Who may do what: named predicates used by every view, API and command.

Reads are scoped by `Person.objects.visible_to(user)` / `Unit.objects.visible_to(user)` (a
record outside the scope is a 404); these predicates answer the yes/no questions (a refusal
is a 403). Superusers and roles marked `all_units` (系统管理员) are not limited by unit.
"""

from typing import Any

from cadres.accounts.scopes import access_for, path_in_scope


def _unit_path(unit: Any) -> str:
    return unit.path


def can_view_records(user: Any) -> bool:
    """May open the roster, unit pages and cadre pages (within the unit scope)."""
    return access_for(user).has("sees_records")


def can_view_analysis(user: Any) -> bool:
    """May open the analysis, planning and forecast pages (within the unit scope)."""
    return access_for(user).has("sees_analysis")


def can_see_sensitive(user: Any) -> bool:
    """May see 身份证号, family, assessments and reports unmasked (after a registered read)."""
    return access_for(user).has("sees_sensitive")


def can_see_reports(user: Any) -> bool:
    """May see 12380 reports (the supervision office)."""
    return access_for(user).has("sees_reports")


def can_browse_audit(user: Any) -> bool:
    """May browse and export the audit record (系统管理员 and 干部监督科)."""
    return access_for(user).has("browses_audit")


def can_manage_users(user: Any) -> bool:
    """May create users, reset passwords and change grants."""
    return access_for(user).has("manages_users")


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
    """May change a cadre's record: the person's unit is inside the maintain scope."""
    return can_view_records(user) and can_maintain_unit(user, person.unit)


def can_import_roster(user: Any, unit: Any = None) -> bool:
    """May import a roster; with a unit, that unit must be inside the maintain scope.

    Without a unit the question is whether the user maintains any unit at all; the import then
    checks every row's unit with `can_maintain_unit`.
    """
    if not can_view_records(user):
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
    return can_view_records(user)


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


# Which predicate guards each group of pages, checked for every request before the view runs
# (cadres.accounts.middleware.AccessPolicyMiddleware). A full view name wins over its
# namespace. Views still scope their records with visible_to (404 outside the scope) and check
# object-level predicates such as can_edit_person themselves.
PAGE_POLICY: dict[str, tuple[Any, str]] = {
    "people": (can_view_records, "查看干部信息"),
    "people:roster_import": (can_import_roster, "导入干部名册"),
    "people:roster_import_confirm": (can_import_roster, "导入干部名册"),
    "org": (can_view_records, "查看单位信息"),
    "analytics": (can_view_analysis, "查看分析"),
    "plans": (can_view_analysis, "查看规划"),
    "audit": (can_browse_audit, "查阅审计记录"),
}


def page_policy(view_name: str, namespace: str) -> tuple[Any, str] | None:
    return PAGE_POLICY.get(view_name) or PAGE_POLICY.get(namespace)
