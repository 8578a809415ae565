"""Who may do what in the plans app; reads are scoped by Person/Unit.visible_to."""

from typing import Any

from cadres.accounts.scopes import access_for


def can_view_plans(user: Any) -> bool:
    """May open the gap and forecast pages (the analysis flag: officers and leaders)."""
    return access_for(user).has("sees_analysis")


def can_edit_plans(user: Any) -> bool:
    """May add, change and delete plan targets and age limits: officers who see analysis and
    records (干部科, 干部监督科, 系统管理员), not read-only leaders."""
    access = access_for(user)
    return access.has("sees_analysis") and access.has("sees_records")
