"""A county for the avoidance, tenure and exchange tests: two townships, the county's
organization department and finance bureau (with a finance office), people placed through the
org services (cadres.accounts.testing.person_in), relatives as `people.Relative` rows."""

import datetime as dt
from typing import Any

from cadres.accounts.testing import person_in
from cadres.org.models import Unit
from cadres.people.models import Person, Relative

ON = dt.date(2026, 6, 1)


def county() -> dict[str, Unit]:
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0, sort_key="0001")
    units = {"top": top}
    for key, name, sort in (("org", "县委组织部", 1), ("finance", "县财政局", 2), ("east", "东坑镇", 3),
                            ("west", "西岭镇", 4), ("police", "县公安局", 5)):
        units[key] = Unit.objects.create(name=name, path=f"青岚县/{name}", parent=top, depth=1,
                                         sort_key=f"0001/{sort:06d}", deputy_posts=3, principal_posts=2)
    units["accounts"] = Unit.objects.create(name="财务股", path="青岚县/县财政局/财务股", parent=units["finance"],
                                            depth=2, sort_key="0001/000002/000001")
    units["east_office"] = Unit.objects.create(name="党政办", path="青岚县/东坑镇/党政办", parent=units["east"],
                                               depth=2, sort_key="0001/000003/000001")
    return units


def member(unit: Unit, name: str, title: str = "副镇长", *, since: dt.date = dt.date(2020, 1, 1),
           rank: str = "0142", team: bool = True, **fields: Any) -> Person:
    return person_in(unit, name, post_title=title, rank=rank, is_team_member=team, post_started_on=since,
                     **fields)


def relative(of: Person, relation: str, other: Person, *, by_id: bool = False) -> Relative:
    """`of` records `other` as his `relation`: by name and birth month, or by 身份证号."""
    return Relative.objects.create(person=of, relation=relation, name=other.name,
                                   birth_date=other.birth_date.replace(day=1),
                                   id_number=other.id_number if by_id else "")
