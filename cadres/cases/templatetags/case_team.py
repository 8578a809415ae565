"""The case page's parts of 公开选拔 / 竞争上岗 and of the team effect:

    {% load case_team %}
    {% competition_summary case as summary %}   the competition's figures, or None
    {% team_effects case today as effects %}    per nominee in progress, the team before → after
"""

import datetime as dt
from typing import Any

from django import template

from cadres.analytics.selectors import DEFAULT_AGE_BANDS, age_band_label
from cadres.cases import competition as services
from cadres.cases.models import Applicant, ApplicantStatus, NomineeStage, SelectionCase
from cadres.cases.team_effect import team_effect

register = template.Library()

BAND_LABELS = [age_band_label(band) for band in DEFAULT_AGE_BANDS]
IN_PROGRESS = (NomineeStage.RECOMMENDED, NomineeStage.CANDIDATE, NomineeStage.PROPOSED)


@register.simple_tag
def competition_summary(case: SelectionCase) -> dict[str, Any] | None:
    competition = services.competition_for(case)
    if competition is None:
        return None
    applicants = Applicant.objects.filter(post__competition=competition)
    concluded = services.is_concluded(competition)
    return {
        "competition": competition,
        "posts": competition.posts.count(),
        "applicants": applicants.values("person_id").distinct().count(),
        "inspected": applicants.filter(status=ApplicantStatus.INSPECTED).count(),
        "appointed": applicants.filter(status=ApplicantStatus.APPOINTED).count(),
        "not_reappointed": len(services.not_reappointed(competition)) if concluded else 0,
    }


@register.simple_tag
def team_effects(case: SelectionCase, on: dt.date) -> list[dict[str, Any]]:
    """The team effect of each nominee still in progress whose 拟任职位 is a team post."""
    rows = []
    nominees = (case.nominees.filter(stage__in=IN_PROGRESS, post__is_team_member=True)
                .select_related("person", "post__unit"))
    for nominee in nominees:
        effect = team_effect(nominee, on)
        if not effect:
            continue
        before, after = effect["before"], effect["after"]
        figures = [
            {"label": item["label"], "before": item, "after": after["figures"][key]}
            for key, item in before["figures"].items()
        ]
        labels = [label for label in BAND_LABELS if label in before["age_bands"] or label in after["age_bands"]]
        bands = [{"label": label, "before": before["age_bands"].get(label, 0),
                  "after": after["age_bands"].get(label, 0)} for label in labels]
        rows.append({"nominee": nominee, "effect": effect, "figures": figures, "bands": bands})
    return rows
