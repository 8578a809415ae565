import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min, Q
from django.test import SimpleTestCase, TestCase

from cadres.audit.models import AuditAction, AuditEvent
from cadres.core.dates import parse_month
from cadres.core.idcard import parse_id_number
from cadres.org.models import Assignment, Unit
from cadres.people.demo import (
    ADMIN_USERNAME,
    COUNTY,
    DEPARTMENTS,
    OFFICER_USERNAME,
    TOWNS,
    demo_county,
)
from cadres.people.models import Person


class DemoCountyTests(SimpleTestCase):
    """The generated county, before it touches the database."""

    def test_the_same_seed_gives_the_same_people(self):
        first, second = demo_county(seed=2026), demo_county(seed=2026)

        self.assertEqual([p.row for p in first.people], [p.row for p in second.people])
        self.assertEqual([p.history for p in first.people], [p.history for p in second.people])
        self.assertEqual(first.units, second.units)

    def test_another_seed_gives_other_people(self):
        first, other = demo_county(seed=2026), demo_county(seed=7)

        self.assertNotEqual(
            [p.row["姓名"] for p in first.people], [p.row["姓名"] for p in other.people]
        )

    def test_identity_numbers_are_valid_and_agree_with_birth_and_sex(self):
        county = demo_county(seed=2026)
        for person in county.people:
            identity = parse_id_number(person.row["身份证号"])
            birth, _ = parse_month(person.row["出生年月"])
            self.assertEqual(
                (identity.birth_date.year, identity.birth_date.month), (birth.year, birth.month)
            )
            self.assertEqual(identity.sex, "1" if person.row["性别"] == "男" else "2")
        self.assertEqual(len({p.row["身份证号"] for p in county.people}), len(county.people))

    def test_earlier_posts_end_before_the_current_one_starts(self):
        for person in demo_county(seed=2026).people:
            post_started, _ = parse_month(person.row["任现职时间"])
            self.assertTrue(2 <= len(person.history) <= 4)
            for earlier, later in zip(person.history, person.history[1:]):
                self.assertLess(earlier.ended_on, later.started_on)
            self.assertLess(person.history[-1].ended_on, post_started)


class DemoLoadTests(TestCase):
    """`cadres demo` on an empty database, loaded once for the class."""

    @classmethod
    def setUpTestData(cls):
        cls.county = demo_county(seed=2026)
        out = io.StringIO()
        call_command("demo", "--seed", "2026", stdout=out)
        cls.output = out.getvalue()

    def test_it_loads_several_hundred_people(self):
        self.assertEqual(Person.objects.count(), len(self.county.people))
        self.assertTrue(550 <= Person.objects.count() <= 700)
        self.assertIn(f"{Person.objects.count()} 名干部", self.output)

    def test_it_loads_the_people_of_the_seed(self):
        stored = set(Person.objects.values_list("id_number", "name"))

        self.assertEqual(stored, {(p.row["身份证号"], p.row["姓名"]) for p in self.county.people})

    def test_units_have_type_and_staffing(self):
        units = Unit.objects.filter(Q(path=COUNTY) | Q(path__startswith=f"{COUNTY}/"))

        self.assertEqual(units.filter(unit_type="县直部门").count(), len(DEPARTMENTS))
        self.assertEqual(units.filter(unit_type="乡镇").count(), len(TOWNS))
        self.assertFalse(units.filter(authorized_staffing__isnull=True).exists())
        self.assertFalse(units.annotate(n=Count("people")).filter(n=0).exists())

    def test_each_person_has_a_current_post_and_a_history(self):
        people = Person.objects.annotate(
            current=Count("assignments", filter=Q(assignments__ended_on__isnull=True)),
            earlier=Count("assignments", filter=Q(assignments__ended_on__isnull=False)),
            last_end=Max("assignments__ended_on"),
            first_start=Min("assignments__started_on"),
        )
        for person in people:
            self.assertEqual(person.current, 1, person)
            self.assertTrue(2 <= person.earlier <= 4, person)
            self.assertLess(person.last_end, person.post_started_on, person)
            self.assertEqual(person.first_start, person.work_started_on, person)
        current = Assignment.objects.filter(ended_on__isnull=True).select_related("person")
        for assignment in current:
            self.assertEqual(assignment.unit_id, assignment.person.unit_id)

    def test_every_post_is_the_demos_and_every_person_has_one_open_main_post(self):
        # The posts went in through the org services (the roster import and the résumé
        # writer), marked as the demo's.
        self.assertEqual(set(Assignment.objects.values_list("source", flat=True)), {"demo"})
        self.assertEqual(
            Assignment.objects.filter(ended_on__isnull=True, is_main=True).count(), Person.objects.count()
        )
        # New people are recorded by the import's one event, not one by one.
        person = Person.objects.order_by("id").first()
        trail = AuditEvent.objects.filter(subject_type="people.person", subject_id=str(person.pk))
        self.assertFalse(trail.exists())
        self.assertEqual(AuditEvent.objects.filter(action=AuditAction.ROSTER_IMPORTED).count(), 1)

    def test_there_are_leaders_and_team_members(self):
        self.assertTrue(
            Person.objects.filter(unit__path=COUNTY, rank="0131", is_team_member=True).exists()
        )
        self.assertTrue(Person.objects.filter(post_title="局长", rank="0141").exists())
        self.assertTrue(
            Person.objects.filter(post_title="党委书记", unit__unit_type="乡镇").count()
            == len(TOWNS)
        )
        self.assertTrue(Person.objects.filter(rank="0150", is_team_member=False).exists())
        self.assertTrue(Person.objects.exclude(ethnicity="01").exists())
        self.assertTrue(Person.objects.filter(sex="2").count() > Person.objects.count() // 5)

    def test_units_list_in_the_departments_order_and_teams_lead_their_units(self):
        units = list(Unit.objects.filter(depth=1).values_list("name", flat=True))
        self.assertEqual(units[0], "县委办公室")  # the file's order (排序号 10, 20 …), not code points
        first = Person.objects.filter(unit__path="青岚县").first()
        self.assertEqual(first.post_title, "县委书记")
        self.assertEqual(first.sort_order, 10)

    def test_teams_have_their_approved_leader_posts(self):
        from cadres.org.selectors import team_quotas_on

        admin = get_user_model().objects.get(username=ADMIN_USERNAME)
        teams = team_quotas_on(actor=admin, as_of=dt.date.today())
        self.assertTrue(teams and all(team.principal_posts is not None for team in teams))
        self.assertTrue(any(team.over for team in teams) and any(team.vacant for team in teams))
        county = next(team for team in teams if team.unit.path == "青岚县")
        self.assertEqual(county.principals, 2)  # 县委书记, 县长

    def test_all_identity_numbers_are_valid(self):
        for id_number, birth, sex in Person.objects.values_list("id_number", "birth_date", "sex"):
            identity = parse_id_number(id_number)
            self.assertEqual(identity.birth_date.replace(day=1), birth)
            self.assertEqual(identity.sex, sex)

    def test_it_loads_a_plan_whose_gaps_cover_the_county_and_every_town(self):
        import datetime as dt

        from cadres.plans.demo import DEMO_PLAN
        from cadres.plans.models import PlanTarget
        from cadres.plans.selectors import plan_gaps

        admin = get_user_model().objects.get(username=ADMIN_USERNAME)
        results = plan_gaps(actor=admin, as_of=dt.date(2026, 11, 26), plan_name=DEMO_PLAN)
        self.assertEqual(PlanTarget.objects.filter(plan_name=DEMO_PLAN).count(), 10)
        self.assertEqual(len(results), 10)
        town_women = next(r for r in results if r.target.unit_type == "乡镇"
                          and r.target.measure == PlanTarget.Measure.WOMEN)
        self.assertEqual(len(town_women.groups), len(TOWNS))
        self.assertEqual(AuditEvent.objects.filter(action=AuditAction.PLAN_TARGET_CREATED).count(), 10)

    def test_it_is_audited(self):
        self.assertEqual(AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action=AuditAction.ROSTER_IMPORTED).count(), 1)

    def test_it_creates_the_demo_users(self):
        admin = get_user_model().objects.get(username=ADMIN_USERNAME)
        officer = get_user_model().objects.get(username=OFFICER_USERNAME)

        self.assertTrue(admin.is_superuser and admin.must_change_password)
        self.assertFalse(officer.is_superuser)
        self.assertTrue(officer.must_change_password)
        self.assertEqual([g.role.code for g in officer.grants.all()], ["cadre_office"])
        self.assertEqual([u.path for u in officer.grants.get().managed_units.all()], [COUNTY])

    def test_if_empty_leaves_a_loaded_database_alone(self):
        out = io.StringIO()
        call_command("demo", "--if-empty", stdout=out)

        self.assertIn("未载入演示数据", out.getvalue())
        self.assertEqual(Person.objects.count(), len(self.county.people))

    def test_it_refuses_a_database_with_people(self):
        with self.assertRaisesMessage(CommandError, "只能载入空数据库"):
            call_command("demo", stdout=io.StringIO())
