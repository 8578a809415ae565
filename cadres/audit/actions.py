"""Audit action names and their Chinese labels, owned by the modules that record them.

Each module declares its actions as a `TextChoices` class and registers it here
(`@register`), so a new module adds actions without an audit migration: the event's
`action` column is plain text, and pages read the label from this registry.
"""

from django.db import models

_LABELS: dict[str, str] = {}


def register(actions: type[models.TextChoices]) -> type[models.TextChoices]:
    """Make a module's actions known to the audit pages (usable as a class decorator)."""
    for value, label in actions.choices:
        _LABELS[str(value)] = str(label)
    return actions


def label_for(action: str) -> str:
    """The Chinese label of an action; the name itself when no module registered it."""
    return _LABELS.get(action, action)


def action_choices() -> list[tuple[str, str]]:
    """Every registered action, as (name, label), in registration order."""
    return list(_LABELS.items())
