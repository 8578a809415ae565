"""The 竞争上岗 of the source documents, as data run through the system:

    "11家单位开展竞争上岗，竞聘的中层职位85个，参加竞聘有286人 … 重新任命了67名中层干部，
     9名原中层干部落选"

Eleven county organs offer 85 mid-level posts (中层, 副科级, not team posts); 286 people apply,
one post each, with scores drawn by `random.Random(seed)`. The posts are of six kinds, so that
the system's own review and ranking give the documents' outcome whatever the seed:

    kind          posts  incumbent  outcome
    kept            25   yes        the incumbent scores highest and is reappointed
    lost             5   yes        a challenger outscores the incumbent, who is 落选
    vacant          37   no         the best eligible challenger is appointed
    low_incumbent    4   yes        everyone scores below the post's 最低综合成绩: unfilled, 落选
    low              4   no         everyone below the 最低综合成绩: unfilled
    ineligible      10   no         every applicant is over the post's age limit: unfilled

67 appointed (25 + 5 + 37) and 9 incumbents 落选 (5 + 4). Every other applicant draws scores
in 60–84 and may be made ineligible at random (too old), except the one a post needs.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cadres.accounts.testing import person_in
from cadres.cases import competition as services
from cadres.cases.models import CaseKind, Competition, CompetitionKind, SelectionCase
from cadres.cases.services import case_create
from cadres.org.models import Unit
from cadres.people.models import Person

ANNOUNCED_ON = dt.date(2024, 3, 1)
APPOINTED_ON = dt.date(2024, 5, 6)
DOCUMENT = "青组干〔2024〕12号"
UNITS = 11
POSTS = 85
APPLICANTS = 286
APPOINTED = 67
NOT_REAPPOINTED = 9
KINDS = [("kept", 25), ("lost", 5), ("vacant", 37), ("low_incumbent", 4), ("low", 4), ("ineligible", 10)]
MAX_AGE = 40
MIN_TOTAL = "60"
POST_RANK = "0142"     # 副科级 (股室负责人)
STAFF_RANK = "0150"    # 科员
POST_TITLES = ["办公室主任", "财务股股长", "人事股股长", "法规股股长", "规划股股长", "监督股股长",
               "信息股股长", "综合股股长"]


@dataclass
class Scenario:
    case: SelectionCase
    competition: Competition
    units: list[Unit]
    kinds: dict[int, str] = field(default_factory=dict)       # post id → kind
    incumbents: dict[int, Person] = field(default_factory=dict)  # post id → incumbent
    applicants: int = 0


def _scores(rng: random.Random, low: int, high: int) -> tuple[Decimal, Decimal]:
    return (Decimal(rng.randint(low * 10, high * 10)) / 10, Decimal(rng.randint(low * 10, high * 10)) / 10)


def build(*, actor: Any, parent: Unit, seed: int = 2024) -> Scenario:
    """The whole round up to the ranking (registered, reviewed, scored, ranked), ready for
    `competition_conclude(appointed_on=APPOINTED_ON, document=DOCUMENT)`."""
    rng = random.Random(seed)
    units = [
        Unit.objects.create(name=f"县直单位{index + 1:02d}", path=f"{parent.path}/县直单位{index + 1:02d}",
                            parent=parent, depth=parent.depth + 1, unit_type="党政工作部门")
        for index in range(UNITS)
    ]
    case = case_create(actor=actor, title="县直单位中层干部竞争上岗", kind=CaseKind.COMPETITIVE,
                       unit=parent, started_on=dt.date(2024, 2, 1), reason="中层干部竞争上岗")
    competition = services.competition_create(
        actor=actor, case=case, kind=CompetitionKind.COMPETITIVE, announced_on=ANNOUNCED_ON,
        written_weight="0.4", interview_weight="0.6", inspection_ratio=1,
    )
    kinds = [kind for kind, count in KINDS for _ in range(count)]
    rng.shuffle(kinds)
    # 85 posts over 11 units: 8 in the first eight, 7 in the last three; 286 applicants, at
    # least three a post, the 31 left over spread at random.
    per_post = [3] * POSTS
    for index in rng.sample(range(POSTS), APPLICANTS - 3 * POSTS):
        per_post[index] += 1
    scenario = Scenario(case=case, competition=competition, units=units)
    number = 0

    def person(unit: Unit, *, rank: str, title: str, old: bool = False) -> Person:
        nonlocal number
        number += 1
        birth_year = rng.randint(1972, 1982) if old else rng.randint(1985, 1996)
        return person_in(
            unit, f"竞聘{number:03d}", post_title=title, rank=rank,
            post_started_on=dt.date(2019, rng.randint(1, 12), 1),
            birth_date=dt.date(birth_year, rng.randint(1, 12), 1),
            work_started_on=dt.date(2012, 7, 1), full_time_education="20",
            sex=rng.choice("12"), ethnicity=rng.choice(["01"] * 9 + ["03"]),
        )

    index = 0
    for unit_index, unit in enumerate(units):
        for slot in range(8 if unit_index < 8 else 7):
            kind = kinds[index]
            count = per_post[index]
            index += 1
            title = POST_TITLES[slot]
            incumbent = (person(unit, rank=POST_RANK, title=title)
                         if kind in ("kept", "lost", "low_incumbent") else None)
            conditions: dict[str, Any] = {"max_age": MAX_AGE, "min_education": "30",
                                          "ranks": [STAFF_RANK, POST_RANK], "min_total": MIN_TOTAL}
            post = services.competition_post_add(
                actor=actor, competition=competition, unit=unit, title=title, rank=POST_RANK,
                openings=1, conditions=conditions, incumbents=[incumbent] if incumbent else [],
            )
            scenario.kinds[post.pk] = kind
            if incumbent is not None:
                scenario.incumbents[post.pk] = incumbent
            # (person, scores, old) for each applicant of the post.
            entries: list[tuple[Person | None, tuple[Decimal, Decimal], bool]] = []
            if kind == "kept":
                entries.append((incumbent, _scores(rng, 86, 95), False))
            elif kind == "lost":
                entries.append((incumbent, _scores(rng, 60, 70), False))
                entries.append((None, _scores(rng, 86, 95), False))
            elif kind == "vacant":
                entries.append((None, _scores(rng, 86, 95), False))
            elif kind == "low_incumbent":
                entries.append((incumbent, _scores(rng, 40, 59), False))
            while len(entries) < count:
                if kind in ("low", "low_incumbent"):
                    entries.append((None, _scores(rng, 30, 59), rng.random() < 0.2))
                elif kind == "ineligible":
                    entries.append((None, _scores(rng, 60, 95), True))
                else:
                    entries.append((None, _scores(rng, 60, 84), rng.random() < 0.2))
            for applicant_person, (written, interview), old in entries:
                applicant_person = applicant_person or person(unit, rank=STAFF_RANK, title="科员", old=old)
                applicant = services.applicant_register(actor=actor, post=post, person=applicant_person)
                applicant = services.applicant_review(actor=actor, applicant=applicant)
                if applicant.status == "eligible":
                    services.applicant_scores_set(actor=actor, applicant=applicant, written=written,
                                                  interview=interview)
                scenario.applicants += 1
    services.competition_rank(actor=actor, competition=competition)
    return scenario
