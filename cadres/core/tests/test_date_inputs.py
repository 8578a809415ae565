"""Every date field shows its value in the browser's date picker: <input type="date"> takes
only ISO dates, and Django's Chinese date format (2026/12/01) would leave it blank."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.accounts.testing import sign_in, unit_tree, user_with_role
from cadres.core.forms import DayInput


def test_the_date_input_renders_iso_whatever_the_language():
    html = DayInput().render("changed_on", dt.date(2026, 12, 1))
    assert 'type="date"' in html and 'value="2026-12-01"' in html


def test_no_form_uses_a_date_input_of_its_own():
    from pathlib import Path

    import cadres

    root = Path(cadres.__file__).parent
    own = root / "core" / "forms.py"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path != own and "tests" not in path.parts
                 and "DateInput(" in path.read_text(encoding="utf-8")]
    assert offenders == []


@pytest.mark.django_db
def test_a_unit_change_page_offers_today_in_its_date_picker(client):
    units = unit_tree()
    sign_in(client, user_with_role("cadre_office", maintained=[units["county"]]))
    html = client.get(reverse("org:unit_quota", args=[units["east"].pk])).content.decode()
    field = re.search(r'<input[^>]*name="changed_on"[^>]*>', html)
    assert field is not None and f'value="{timezone.localdate():%Y-%m-%d}"' in field.group(0)
