"""Fixtures of the analytics tests: an officer and the township roster of 2010."""

import datetime as dt
import json
from pathlib import Path

import pytest

from cadres.people.services import roster_import

TOWNSHIP_DIR = Path("/work/shared/fixtures/township-2010")
TOWNSHIP_AS_OF = dt.date(2010, 6, 30)


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_superuser(
        username="analyst", password="analyst-pass-123", email="analyst@example.invalid"
    )


@pytest.fixture
def expected():
    return json.loads((TOWNSHIP_DIR / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def township(officer):
    content = (TOWNSHIP_DIR / "roster.xlsx").read_bytes()
    roster_import(actor=officer, content=content, file_name="roster.xlsx")
