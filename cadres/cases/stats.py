"""The yearly figures of selection work, computed from the cases (the documents' "共提拔任用
干部40名，交流69名，同级领导职务转任重要领导岗位13名" and "11家单位开展竞争上岗…").

Appointments are the nominees appointed in the year (`Nominee.appointed_on`; a 竞争上岗's
conclusion creates them too), counted by their 任用类型 (`movement`), by the case's 选拔任用方式
and by the 单位类别 of the post's unit. The 竞争上岗 figures read the competitions whose cases
appointed someone in the year: units and posts offered (`CompetitionPost` rows), applicants
(distinct people), those appointed (`Applicant` status 已任职) and the incumbents of the posts
not appointed to any post of that competition (落选).
"""

from collections import Counter
from typing import Any

from django.db.models import QuerySet

from cadres.cases.models import (
    Applicant,
    ApplicantStatus,
    CaseKind,
    CompetitionKind,
    CompetitionPost,
    Movement,
    Nominee,
    NomineeStage,
    SelectionCase,
)

UNIT_TYPE_UNKNOWN = "未分类"


def _cases(user: Any) -> QuerySet[SelectionCase]:
    if user is None:
        return SelectionCase.objects.all()
    return SelectionCase.objects.restrict(user, "view")


def appointed_in(year: int, *, user: Any = None) -> QuerySet[Nominee]:
    """The nominees appointed in the year (still in post, confirmed, or removed after it)."""
    return (Nominee.objects.filter(case__in=_cases(user), appointed_on__year=year)
            .exclude(stage__in=[NomineeStage.RECOMMENDED, NomineeStage.CANDIDATE, NomineeStage.PROPOSED])
            .select_related("case", "post__unit", "case__unit"))


def _competitive(year: int, cases: QuerySet[SelectionCase]) -> dict[str, int]:
    case_ids = set(
        Nominee.objects.filter(case__in=cases, appointed_on__year=year,
                               case__competition__kind=CompetitionKind.COMPETITIVE)
        .values_list("case_id", flat=True)
    )
    posts = CompetitionPost.objects.filter(competition__case_id__in=case_ids)
    applicants = Applicant.objects.filter(post__competition__case_id__in=case_ids)
    appointed_pairs = set(applicants.filter(status=ApplicantStatus.APPOINTED)
                          .values_list("post__competition_id", "person_id"))
    incumbents = set(CompetitionPost.incumbents.through.objects
                     .filter(competitionpost__competition__case_id__in=case_ids)
                     .values_list("competitionpost__competition_id", "person_id"))
    return {
        "units": posts.values("unit_id").distinct().count(),
        "posts": posts.count(),
        "applicants": applicants.values("person_id").distinct().count(),
        "appointed": len(appointed_pairs),
        "not_reappointed": len(incumbents - appointed_pairs),
    }


def selection_stats(year: int, *, user: Any = None) -> dict[str, Any]:
    """The figures of the year, over the cases the user may see (all of them for None)."""
    appointed = list(appointed_in(year, user=user))
    movements = Counter(nominee.movement for nominee in appointed)
    kind_labels = dict(CaseKind.choices)
    by_method = Counter(str(kind_labels.get(nominee.case.kind, nominee.case.kind)) for nominee in appointed)
    by_unit_type: Counter[str] = Counter()
    for nominee in appointed:
        unit = nominee.post.unit if nominee.post is not None else nominee.case.unit
        by_unit_type[unit.unit_type or UNIT_TYPE_UNKNOWN] += 1
    return {
        "year": year,
        "promoted": movements[Movement.PROMOTION],
        "exchanged": movements[Movement.EXCHANGE],
        "transferred": movements[Movement.TRANSFER],
        "appointed_total": len(appointed),
        "by_method": {str(label): by_method[str(label)] for _, label in CaseKind.choices if by_method[str(label)]},
        "by_unit_type": dict(sorted(by_unit_type.items(), key=lambda item: (-item[1], item[0]))),
        "competitive": _competitive(year, _cases(user)),
    }


def stats_in_words(stats: dict[str, Any]) -> str:
    """The figures as the documents write them."""
    sentence = (f"{stats['year']}年，共提拔任用干部{stats['promoted']}名，交流{stats['exchanged']}名，"
                f"同级领导职务转任重要领导岗位{stats['transferred']}名")
    competitive = stats["competitive"]
    if competitive["units"]:
        sentence += (f"；{competitive['units']}家单位开展竞争上岗，竞聘的中层职位{competitive['posts']}个，"
                     f"参加竞聘有{competitive['applicants']}人，重新任命了{competitive['appointed']}名中层干部，"
                     f"{competitive['not_reappointed']}名原中层干部落选")
    return sentence + "。"
