"""One warning (预警) as every check in this app produces it."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """A warning about a person (or a unit): which kind, which rule, what, by when.

    `key` identifies the same warning from one day to the next (e.g. "age_limit:123:2027-05-01"),
    so the digest can tell what is new. `rule_code` names the `cases.SelectionRule` row whose
    text and numbers it applies.
    """

    kind: str
    key: str
    message: str
    rule_code: str
    person_id: int | None = None
    unit_id: int | None = None
    due_on: dt.date | None = None
    url: str = ""
