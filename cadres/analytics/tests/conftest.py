"""Fixtures of the analytics tests: an officer, the township roster of 2010, small rosters."""

import datetime as dt
import json
from typing import Any

import pytest

from cadres.people.services import roster_import
from cadres.people.tests.factories import TOWNSHIP_DIR, id_number, roster_row, roster_xlsx

TOWNSHIP_AS_OF = dt.date(2010, 6, 30)
TOWNSHIP_BANDS = "30,40,50"


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_superuser(
        username="analyst", password="analyst-pass-123", email="analyst@example.invalid"
    )


@pytest.fixture
def expected() -> dict[str, Any]:
    return json.loads((TOWNSHIP_DIR / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def township(officer):
    content = (TOWNSHIP_DIR / "roster.xlsx").read_bytes()
    roster_import(actor=officer, content=content, file_name="roster.xlsx")


def person_row(serial: int, birth: Any, sex: str = "男", **overrides: Any) -> dict[str, Any]:
    """A roster row with a unique name and a 身份证号 that agrees with its birth and sex, in
    post since 2005.04 (before the tests' as-of dates) unless 任现职时间 says otherwise."""
    id_birth = birth if isinstance(birth, str) else birth.strftime("%Y.%m.%d")
    overrides.setdefault("任现职时间", "2005.04")
    overrides.setdefault("任现职级时间", overrides["任现职时间"])
    overrides.setdefault("参加工作时间", "1996.08")
    return roster_row(
        姓名=f"干部{serial}", 出生年月=birth, 性别=sex,
        身份证号=id_number(id_birth.replace("-", "."), sex, serial=serial), **overrides,
    )


def import_rows(actor: Any, rows: list[dict[str, Any]]) -> None:
    roster_import(actor=actor, content=roster_xlsx(rows), file_name="test.xlsx")
