"""Audit action names and their Chinese labels, owned by the modules that record them.

Each module declares its actions as a `TextChoices` class and registers it here
(`@register`), so a new module adds actions without an audit migration: the event's
`action` column is plain text, and pages read the label from this registry.
"""

from django.db import models

_LABELS: dict[str, str] = {}
_READS: set[str] = set()
# By convention an action whose name ends in "viewed" (person.viewed, person.card_viewed)
# records a read (查阅), not a change.
READ_SUFFIX = "viewed"


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


def register_reads(*actions: str) -> None:
    """Mark actions that record a read, not a change (besides the `…viewed` convention), so
    a record's change history (档案变更记录) leaves them out."""
    _READS.update(str(action) for action in actions)


def is_read(action: str) -> bool:
    return action in _READS or action.endswith(READ_SUFFIX)


def read_actions() -> frozenset[str]:
    """The actions registered as reads (the `…viewed` ones aside)."""
    return frozenset(_READS)
