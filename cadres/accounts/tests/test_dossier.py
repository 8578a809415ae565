import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cadres.accounts.dossier import dossier_is_open
from cadres.accounts.templatetags.cadres_security import mask_id_number
from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
ID_NUMBER = "330381197103096619"


@pytest.fixture
def world():
    units = unit_tree()
    person = person_in(units["east"], "东镇甲", id_number=ID_NUMBER)
    return {**units, "person": person}


def test_mask_id_number_keeps_region_and_last_four():
    assert mask_id_number(ID_NUMBER) == "330381********6619"
    assert mask_id_number("") == ""
    assert mask_id_number("12345") == "*****"


def test_registered_read_records_the_purpose_and_opens_the_file(client, world):
    # given
    officer = user_with_role("cadre_office", managed=[world["county"]])
    sign_in(client, officer)
    # when
    response = client.post(reverse("accounts:dossier_open", args=[world["person"].pk]),
                           {"purpose": "考核考察任免", "detail": "2026年度考察"})
    # then
    assert response["Location"] == world["person"].get_absolute_url()
    event = AuditEvent.objects.get(action=AuditAction.PERSON_VIEWED)
    assert (event.actor, event.target_id) == (officer, str(world["person"].pk))
    assert event.changes == {"purpose": "考核考察任免", "detail": "2026年度考察"}
    request = RequestFactory().get("/")
    request.user, request.session = officer, client.session
    assert dossier_is_open(request, world["person"]) is True


def test_id_number_is_masked_until_a_read_is_registered(client, world):
    # given
    officer = user_with_role("cadre_office", managed=[world["county"]])
    sign_in(client, officer)
    template = Template("{% load cadres_security %}{% id_number_shown person %}")
    request = RequestFactory().get("/")
    request.user, request.session = officer, client.session
    before = template.render(Context({"request": request, "person": world["person"]}))
    # when
    client.post(reverse("accounts:dossier_open", args=[world["person"].pk]),
                {"purpose": "日常管理", "detail": "核对信息"})
    request.session = client.session
    after = template.render(Context({"request": request, "person": world["person"]}))
    # then
    assert (before, after) == ("330381********6619", ID_NUMBER)


def test_read_without_purpose_is_not_recorded(client, world):
    # given
    sign_in(client, user_with_role("cadre_office", managed=[world["county"]]))
    # when
    response = client.post(reverse("accounts:dossier_open", args=[world["person"].pk]),
                           {"purpose": "日常管理", "detail": ""})
    # then
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_VIEWED).exists()


def test_nobody_opens_their_own_file(client, world):
    # given
    officer = user_with_role("cadre_office", managed=[world["county"]], person=world["person"])
    sign_in(client, officer)
    before = AuditEvent.objects.count()
    # when
    response = client.post(reverse("accounts:dossier_open", args=[world["person"].pk]),
                           {"purpose": "日常管理", "detail": "看看"})
    # then
    assert response.status_code == 403
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:]) == [
        AuditAction.PERMISSION_DENIED]


def test_unit_clerk_cannot_open_full_files(client, world):
    # given
    sign_in(client, user_with_role("unit_clerk", maintained=[world["east"]]))
    # when
    response = client.get(reverse("accounts:dossier_open", args=[world["person"].pk]))
    # then
    assert response.status_code == 403


def test_file_outside_the_scope_is_not_found(client, world):
    # given
    sign_in(client, user_with_role("cadre_office", managed=[world["west"]]))
    # when
    response = client.get(reverse("accounts:dossier_open", args=[world["person"].pk]))
    # then
    assert response.status_code == 404


def test_may_filter_hides_navigation_by_role(world):
    # given
    clerk = user_with_role("unit_clerk", maintained=[world["east"]])
    template = Template('{% load cadres_security %}{{ user|may:"sees_records" }} '
                        '{{ user|may:"browses_audit" }}')
    # when
    text = template.render(Context({"user": clerk}))
    # then
    assert text == "True False"


def _officer_with_own_file(world, own_number="330381198005051234"):
    from cadres.core.idcard import check_digit

    own_number = own_number[:17] + check_digit(own_number[:17])
    own = person_in(world["west"], "本人", id_number=own_number)
    officer = user_with_role("cadre_office", managed=[world["county"]])
    officer.person = own
    officer.save(update_fields=["person"])
    return officer, own


def test_no_one_opens_the_file_of_a_relative_recorded_in_their_own_file(client, world):
    # given: the officer's own file names 东镇甲 as a relative
    from cadres.people.models import Relative

    officer, own = _officer_with_own_file(world)
    Relative.objects.create(person=own, relation="兄", name="东镇甲", id_number=ID_NUMBER)
    sign_in(client, officer)
    # when
    response = client.post(reverse("accounts:dossier_open", args=[world["person"].pk]),
                           {"purpose": "日常管理", "detail": "核对信息"})
    # then
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_VIEWED).exists()


def test_no_one_opens_the_file_of_a_cadre_who_records_them_as_a_relative(client, world):
    # given: 东镇甲's file names the officer as a relative
    from cadres.people.models import Relative

    officer, own = _officer_with_own_file(world)
    Relative.objects.create(person=world["person"], relation="妹", name="本人",
                            id_number=own.id_number)
    sign_in(client, officer)
    # when
    response = client.get(reverse("accounts:dossier_open", args=[world["person"].pk]))
    # then
    assert response.status_code == 403


def test_family_shows_on_the_card_only_after_a_registered_read(client, world):
    # given
    from cadres.people.models import Relative

    Relative.objects.create(person=world["person"], relation="配偶", name="王芳",
                            work_unit_and_post="某县第一中学教师")
    officer = user_with_role("cadre_office", managed=[world["county"]])
    sign_in(client, officer)
    card = reverse("people:person_detail", args=[world["person"].pk])
    # when
    before = client.get(card).content.decode()
    client.post(reverse("accounts:dossier_open", args=[world["person"].pk]),
                {"purpose": "日常管理", "detail": "核对信息"})
    after = client.get(card).content.decode()
    # then
    assert "王芳" not in before and "查阅完整档案（登记查阅用途）后显示" in before
    assert "王芳" in after and "某县第一中学教师" in after
