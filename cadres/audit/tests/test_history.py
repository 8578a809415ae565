"""The 档案变更记录 on the 干部信息卡 ({% person_change_history person user %})."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction
from cadres.audit.selectors import person_history
from cadres.audit.services import record, record_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return unit_tree()


@pytest.fixture
def officer(units):
    return user_with_role("cadre_office", managed=[units["county"]], username="ganbuke")


def _two_post_changes(person, units, first_actor, second_actor):
    imported = record(actor=first_actor, action=AuditAction.ROSTER_IMPORTED,
                      target_label="2024年名册.xlsx",
                      changes={"file_name": "2024年名册.xlsx", "sha256": "ab" * 32, "rows": 1})
    record_many(actor=first_actor, action=AuditAction.PERSON_UPDATED, batch=imported, items=[
        (person, {"post_title": ["党委委员", "党委副书记"], "rank": ["0142", "0141"]}),
    ])
    record(actor=second_actor, action=AuditAction.PERSON_UPDATED, target=person, changes={
        "post_title": ["党委副书记", "党委书记"],
        "unit_id": [units["east"].pk, units["west"].pk],
        "document": "县委干〔2025〕3号",
    })


def _history_section(html: str) -> str:
    assert "档案变更记录" in html
    return html.split('id="history"', 1)[1]


def _render(person, user, **context) -> str:
    template = Template("{% load audit_history %}{% person_change_history person user %}")
    return template.render(Context({"person": person, "user": user, **context}))


def test_the_card_lists_both_post_changes_newest_first_with_who_and_by_what(
        client, units, officer):
    # given
    importer = user_with_role("unit_clerk", maintained=[units["east"]], username="xinxiyuan")
    person = person_in(units["east"], "王五", post_title="党委委员")
    _two_post_changes(person, units, importer, officer)
    record(actor=officer, action=AuditAction.PERSON_VIEWED, target=person,
           changes={"purpose": "考察", "detail": ""})
    record(actor=officer, action="person.card_viewed", target=person,
           changes={"path": "/people/1/"})
    sign_in(client, officer)
    # when
    response = client.get(reverse("people:person_detail", args=[person.pk]))
    # then
    assert response.status_code == 200
    section = _history_section(response.content.decode())
    newer, older = section.index("党委书记"), section.index("党委委员")
    assert newer < older  # newest first
    assert "党委副书记" in section
    assert "副科级" in section and "正科级" in section
    assert "某县/东镇" in section and "某县/西镇" in section
    assert "名册导入：2024年名册.xlsx" in section
    assert "文号：县委干〔2025〕3号" in section
    assert "xinxiyuan" in section and "ganbuke" in section
    assert "职务层次" in section and "单位" in section
    assert "查阅干部档案" not in section and "/people/1/" not in section  # reads are not changes
    assert "{'" not in section and "post_title" not in section and "None" not in section


def test_a_unit_clerk_sees_the_history_of_their_units_only(units):
    # given
    clerk = user_with_role("unit_clerk", maintained=[units["east"]])
    east_person = person_in(units["east"], "东镇甲")
    west_person = person_in(units["west"], "西镇乙")
    for person in (east_person, west_person):
        record(actor=None, action=AuditAction.PERSON_UPDATED, target=person,
               changes={"post_title": ["科员", "副主任"]})
    # when
    east = _render(east_person, clerk)
    west = _render(west_person, clerk)
    # then
    assert "副主任" in _history_section(east)
    assert west.strip() == ""


def test_users_without_records_or_audit_rights_see_no_history(units):
    # given
    leader = user_with_role("leader", managed=[units["county"]])
    person = person_in(units["east"], "东镇甲")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=person,
           changes={"post_title": ["科员", "副主任"]})
    # when
    html = _render(person, leader)
    # then
    assert html.strip() == ""


def test_the_link_to_the_audit_record_is_for_those_who_browse_it(units, officer):
    # given
    supervisor = user_with_role("supervision", managed=[units["county"]])
    person = person_in(units["east"], "东镇甲")
    for title in ("甲", "乙", "丙"):
        record(actor=None, action=AuditAction.PERSON_UPDATED, target=person,
               changes={"post_title": ["", title]})
    template = Template("{% load audit_history %}{% person_change_history person user 2 %}")
    # when
    for_supervisor = template.render(Context({"person": person, "user": supervisor}))
    for_officer = template.render(Context({"person": person, "user": officer}))
    # then: the three changes and the creation person_in records
    link = f'{reverse("audit:event_list")}?person={person.pk}'
    assert "仅显示最近 2 条，共 4 条" in for_supervisor and link in for_supervisor
    assert "仅显示最近 2 条，共 4 条" in for_officer and link not in for_officer
    assert "丙" in for_officer and "甲" not in for_officer


def test_the_id_number_is_masked_unless_the_file_is_open(units, officer):
    # given
    person = person_in(units["east"], "东镇甲")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=person,
           changes={"id_number": ["", "330381198005016619"]})
    # when
    masked = _render(person, officer)
    opened = _render(person, officer, shows_sensitive=True)
    # then
    assert "330381********6619" in masked and "330381198005016619" not in masked
    assert "330381198005016619" in opened


def test_an_old_style_import_shows_only_this_persons_changes(units):
    # given
    person = person_in(units["east"], "孙七")
    other = person_in(units["west"], "周八")
    record(actor=None, action=AuditAction.ROSTER_IMPORTED, target_label="旧名册.xlsx", changes={
        "file_name": "旧名册.xlsx", "rows": 2,
        "changes": {str(person.pk): {"post_title": ["科员", "副镇长"], "is_team_member": [
            False, True]},
                    str(other.pk): {"post_title": ["科员", "西镇长"]}},
    })
    # when
    history = person_history(person=person)
    # then
    imports = [entry for entry in history.entries
               if entry.event.action == AuditAction.ROSTER_IMPORTED]
    assert [entry.text for entry in imports] == ["职务：科员 → 副镇长；班子成员：否 → 是"]
    assert imports[0].source == "名册导入：旧名册.xlsx"
    unrelated = person_history(person=person_in(units["east"], "无关"))
    assert AuditAction.ROSTER_IMPORTED not in [entry.event.action for entry in unrelated.entries]


def test_two_roster_imports_show_on_the_card_and_the_audit_page_in_words(client):
    # given: the cadre imported, then changed by two imports (people.services.roster_import)
    from cadres.people.models import Person
    from cadres.people.services import roster_import
    from cadres.people.tests.factories import roster_row, roster_xlsx

    admin = user_with_role("admin", username="xitong")
    roster_import(actor=admin, file_name="v1.xlsx", content=roster_xlsx([roster_row()]))
    roster_import(actor=admin, file_name="v2.xlsx",
                  content=roster_xlsx([roster_row(职务="局长", 职务层次="正科级")]))
    roster_import(actor=admin, file_name="v3.xlsx", content=roster_xlsx([
        roster_row(职务="局长", 职务层次="正科级", 单位="平阳县/县教育局")]))
    person = Person.objects.get()
    sign_in(client, admin)
    # when
    card = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    page = client.get(reverse("audit:event_list"), {"person": person.pk}).content.decode()
    # then
    for html in (_history_section(card), page.split("<table", 1)[1]):
        assert "副局长" in html and "局长" in html
        assert "副科级" in html and "正科级" in html
        assert "平阳县/县教育局" in html
        assert "名册导入：v2.xlsx" in html and "名册导入：v3.xlsx" in html
        assert "{'" not in html and "post_title" not in html and "None" not in html


def test_a_family_members_details_show_in_the_history_only_unmasked(units):
    # given: a family member added to the file (cadres.records.services)
    from cadres.records.services import relative_create

    person = person_in(units["east"], "郑九")
    relative_create(actor=None, person=person, relation="妻子", name="王芳",
                    work_unit_and_post="东镇中心小学教师")

    # when
    masked = person_history(person=person)
    unmasked = person_history(person=person, mask_sensitive=False)

    # then: without a registered read, the event says only that it concerns a family member
    [masked_entry] = [entry for entry in masked.entries if entry.event.target_type == "people.relative"]
    [unmasked_entry] = [entry for entry in unmasked.entries if entry.event.target_type == "people.relative"]
    assert "王芳" not in masked_entry.text and "东镇中心小学" not in masked_entry.text
    assert "查阅登记后可见" in masked_entry.text
    assert "王芳" in unmasked_entry.text and "东镇中心小学教师" in unmasked_entry.text
