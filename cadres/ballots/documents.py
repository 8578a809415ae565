"""The printed papers of a vote, rendered by WeasyPrint from HTML templates: the slips of
one-time codes (to print, cut, shuffle and draw) and the 计票结果报告单 the scrutineers sign.

The codes exist in plain text only while the slips are rendered (the response that carries
them); nothing here writes them anywhere else. Fonts: Debian's fonts-noto-cjk.
"""

import functools
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from cadres.ballots.models import Vote

SLIPS_PER_PAGE = 10


@functools.cache
def _font_configuration() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_font_configuration()))


def slips_pdf(vote: Vote, codes: list[str], *, group: str, voter_url: str) -> bytes:
    """One slip per code: the vote's title, the voter group, the code, where to vote and how."""
    pages = [codes[start:start + SLIPS_PER_PAGE] for start in range(0, len(codes), SLIPS_PER_PAGE)]
    html = render_to_string("ballots/pdf/slips.html", {
        "vote": vote, "pages": pages, "group": group, "voter_url": voter_url,
    })
    return _pdf(html)


def report_pdf(vote: Vote, result: dict[str, Any], context: dict[str, Any]) -> bytes:
    """The 计票结果报告单: the result per option, quorum and threshold, the ballots issued,
    collected, valid and invalid, the two digests and the lines for the signatures."""
    html = render_to_string("ballots/pdf/report.html", {"vote": vote, "result": result, **context})
    return _pdf(html)


def _percent(share: str) -> str:
    """"0.6667" → "66.67%"."""
    whole, _, fraction = share.partition(".")
    units = int(whole) * 10_000 + int((fraction + "0000")[:4])
    return f"{units // 100}.{units % 100:02d}%"


def _base_label(base: str, result: dict[str, Any]) -> tuple[str, int]:
    return {
        "expected": ("应到会人数", result["expected"]),
        "present": ("实到人数", result["present"]),
        "valid": ("有效票数", result["valid"]),
    }[base]


def result_table(vote: Vote, result: dict[str, Any]) -> dict[str, Any]:
    """A counted result laid out for the page and the report: column heads, one row per option
    (name, figures, outcome), the quorum and the threshold in words."""
    quorum_base = "实到人数" if vote.quorum_base == "present" else "应到会人数"
    quorum_figure = result["present"] if vote.quorum_base == "present" else result["expected"]
    quorum_need = -(-vote.quorum_numerator * quorum_figure // vote.quorum_denominator)
    quorum_actual = (f"收回{result['ballots']}票" if vote.quorum_base == "present"
                     else f"实到{result['present']}人")
    unit = "票" if vote.quorum_base == "present" else "人"
    outcome = "符合" if result["quorum_met"] else "不符合"
    quorum_text = (f"须达到{quorum_base}（{quorum_figure}）的{vote.quorum_numerator}/{vote.quorum_denominator}，"
                   f"即至少{quorum_need}{unit}；{quorum_actual}：{outcome}")
    threshold_text = ""
    if vote.kind != "rating":
        label, figure = _base_label(vote.threshold_base, result)
        need = vote.threshold_numerator * figure // vote.threshold_denominator + 1
        verb = "同意票" if vote.kind == "decision" else "得票"
        threshold_text = (f"{verb}须超过{label}（{figure}）的{vote.threshold_numerator}/"
                          f"{vote.threshold_denominator}，即至少{need}票")
    heads: list[str]
    rows: list[dict[str, Any]] = []
    if vote.kind == "decision":
        heads = ["同意", "不同意", "弃权"]
        for entry in result["options"]:
            rows.append({"name": entry["name"], "cells": [entry["yes"], entry["no"], entry["abstain"]],
                         "outcome": "通过" if entry["passed"] else "未通过", "passed": entry["passed"]})
    elif vote.kind == "recommendation":
        heads = ["得票", "得票率"]
        for entry in result["options"]:
            rows.append({"name": entry["name"], "cells": [entry["votes"], _percent(entry["share"])],
                         "outcome": "过半" if entry["passed"] else "", "passed": entry["passed"]})
        for entry in result.get("write_ins", []):
            share = f"{entry['count'] * 100 / result['valid']:.2f}%" if result["valid"] else "0.00%"
            rows.append({"name": f"{entry['name']}（另选他人）", "cells": [entry["count"], share],
                         "outcome": "", "passed": False})
    else:
        scale = list(vote.rating_scale)
        heads = [*scale, *(f"{grade}率" for grade in scale)]
        for entry in result["options"]:
            rows.append({"name": entry["name"],
                         "cells": [*(entry["counts"][grade] for grade in scale),
                                   *(_percent(entry["shares"][grade]) for grade in scale)],
                         "outcome": "", "passed": None})
    return {
        "heads": heads, "rows": rows, "quorum_text": quorum_text, "threshold_text": threshold_text,
        "weighted": vote.kind == "rating" and len(result.get("groups", [])) > 1,
        "groups": [{**group, "weight_percent": _percent(group["weight"])} for group in result.get("groups", [])],
        "abstain": result.get("abstain"), "second_round_needed": result.get("second_round_needed"),
    }
