import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent
from cadres.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return unit_tree()


@pytest.fixture
def supervisor(units):
    return user_with_role("supervision", managed=[units["county"]], username="jiandu")


def test_supervisor_sees_the_record_filtered_by_person(client, units, supervisor):
    # given
    east_person = person_in(units["east"], "东镇甲")
    west_person = person_in(units["west"], "西镇乙")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=east_person)
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=west_person)
    sign_in(client, supervisor)
    # when
    response = client.get(reverse("audit:event_list"), {"person": east_person.pk})
    # then
    assert response.status_code == 200
    labels = [event.target_label for event in response.context["page"]]
    assert labels == ["东镇甲"]


def test_filter_by_unit_includes_people_below_it(client, units, supervisor):
    # given
    office_person = person_in(units["east_office"], "办公室丙")
    west_person = person_in(units["west"], "西镇乙")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=office_person)
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=west_person)
    record(actor=None, action=AuditAction.UNIT_UPDATED, target=units["east"])
    sign_in(client, supervisor)
    # when
    response = client.get(reverse("audit:event_list"), {"unit": units["east"].pk})
    # then
    labels = sorted(event.target_label for event in response.context["page"])
    assert labels == ["办公室丙", "某县/东镇"]


def test_filter_by_user_and_date(client, units, supervisor):
    # given
    clerk = user_with_role("unit_clerk", maintained=[units["east"]], username="clerk")
    old = record(actor=clerk, action=AuditAction.PERSON_UPDATED, target_label="旧的")
    AuditEvent.objects.filter(pk=old.pk).update(
        occurred_at=timezone.now() - dt.timedelta(days=10))
    record(actor=clerk, action=AuditAction.PERSON_UPDATED, target_label="新的")
    record(actor=supervisor, action=AuditAction.PERSON_UPDATED, target_label="别人的")
    sign_in(client, supervisor)
    today = timezone.localdate()
    # when
    response = client.get(reverse("audit:event_list"), {
        "user": clerk.pk, "date_from": (today - dt.timedelta(days=1)).isoformat(),
        "date_to": today.isoformat(),
    })
    # then
    assert [event.target_label for event in response.context["page"]] == ["新的"]


def test_export_writes_the_filtered_events_and_is_audited(client, units, supervisor):
    # given
    record(actor=None, action=AuditAction.UNIT_UPDATED, target_label="=HYPERLINK(\"x\")")
    sign_in(client, supervisor)
    # when
    response = client.get(reverse("audit:event_export"), {"action": "unit.updated"})
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "时间", "操作人", "操作")
    assert len(rows) == 2
    assert rows[1][6] == "'=HYPERLINK(\"x\")"
    exported = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPORTED)
    assert exported.actor == supervisor
    assert exported.changes["count"] == 1


@pytest.mark.parametrize("role_code", ["cadre_office", "unit_clerk", "leader", "committee"])
def test_other_roles_are_refused_and_only_the_refusal_is_recorded(client, units, role_code):
    # given
    user = user_with_role(role_code, managed=[units["county"]])
    sign_in(client, user)
    before = AuditEvent.objects.count()
    # when
    page = client.get(reverse("audit:event_list"))
    export = client.get(reverse("audit:event_export"))
    # then
    assert (page.status_code, export.status_code) == (403, 403)
    new = list(AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:])
    assert [event.action for event in new] == [AuditAction.PERMISSION_DENIED] * 2
