"""Permission codes: one per action a role may be given, with its Chinese label.

A role carries a list of codes (`Role.permissions`), not a column per capability, so a new
module adds permissions as data: it declares its codes as a `TextChoices` class and registers
them here, no accounts migration needed::

    @register_permissions
    class ProcedurePermission(models.TextChoices):
        CASE_ADVANCE = "procedures.case_advance", "推进选拔任用程序"

A code is `<module>.<action>`. The role pages offer every registered code; a code stored on a
role whose module is gone is kept but grants nothing the pages can name.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

_LABELS: dict[str, str] = {}


def register_permissions(permissions: Any) -> Any:
    """Make a module's permission codes known (usable as a class decorator on TextChoices).

    Also accepts a mapping or an iterable of (code, label) pairs. Returns its argument.
    """
    if isinstance(permissions, type) and issubclass(permissions, models.Choices):
        pairs: Iterable[tuple[Any, Any]] = permissions.choices
    elif isinstance(permissions, Mapping):
        pairs = permissions.items()
    else:
        pairs = permissions
    for code, label in pairs:
        code = str(code)
        if not CODE_PATTERN.match(code):
            raise ValueError(f"permission code {code!r} is not <module>.<action>")
        _LABELS[code] = str(label)
    return permissions


def permission_label(code: str) -> str:
    """The Chinese label of a code; the code itself when no module registered it."""
    return _LABELS.get(code, code)


def permission_choices() -> list[tuple[str, str]]:
    """Every registered code, as (code, label), in registration order."""
    return list(_LABELS.items())


def is_registered(code: str) -> bool:
    return code in _LABELS


@register_permissions
class CorePermission(models.TextChoices):
    """The codes of the core modules (people, org, analytics, plans, audit, accounts, reports).

    Other names rely on these strings (PAGE_POLICY, templates, other modules' predicates):
    rename none of them without a data migration of `Role.permissions`.
    """

    PEOPLE_VIEW = "people.view", "查看干部名册和干部信息"
    PEOPLE_CHANGE = "people.change", "修改干部信息"
    PEOPLE_IMPORT = "people.import", "导入干部名册"
    PEOPLE_EXPORT = "people.export", "导出干部名册"
    PEOPLE_VIEW_SENSITIVE = "people.view_sensitive", "查阅敏感信息（身份证号、家庭、考核）"
    PEOPLE_EXPORT_SENSITIVE = "people.export_sensitive", "导出敏感信息（须说明用途）"
    ORG_VIEW = "org.view", "查看单位信息"
    ORG_CHANGE = "org.change", "修改单位信息"
    ANALYTICS_VIEW = "analytics.view", "查看结构分析"
    PLANS_VIEW = "plans.view", "查看规划目标和年龄到杠预测"
    PLANS_CHANGE = "plans.change", "修改规划目标和年龄界限"
    AUDIT_VIEW = "audit.view", "查阅审计记录"
    AUDIT_EXPORT = "audit.export", "导出审计记录"
    ACCOUNTS_MANAGE = "accounts.manage", "管理用户、角色和授权"
    REPORTS_VIEW = "reports.view", "查看12380举报"
