"""The indexes made for the roster's searches that no other index serves (migration 0008):
the name's characters (GIN, PostgreSQL only) and the rare flags 后备干部 / 少数民族 (partial
indexes, both databases). The search finds exactly the people it finds without them, and the
database can read each search from its index (EXPLAIN)."""

from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from cadres.accounts.testing import person_in, unit_tree
from cadres.people.models import Person
from cadres.people.selectors import FEW, NameHasChars, person_list

pytestmark = pytest.mark.django_db

READER = SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)
NAMES = ("王伟", "伟王", "王王", "王小王", "李王伟", "王", "张三", "欧阳伟明", "Anna王", "100%王", "王_伟", "李四")
SEARCHES = ("王", "伟", "王伟", "伟王", "王王", "王小", "小王", "欧阳", "阳伟明", "王 伟", "%王", "_伟", "王_", "四李",
            "na王", "Anna", "张三丰", "1")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")


@pytest.fixture
def named():
    units = unit_tree()
    return {name: person_in(units["east"], name) for name in NAMES}


def found(filters: dict) -> set[str]:
    return set(person_list(actor=READER, filters=filters).values_list("name", flat=True))


@pytest.mark.parametrize("text", SEARCHES)
def test_name_search_finds_the_substring_and_nothing_else(named, text):
    """The same people as a plain substring match over every name, whichever path the database
    takes (on PostgreSQL the characters first, then the substring)."""
    wanted = "".join(text.split())
    if wanted.isascii() and wanted.isalpha():
        pytest.skip("Latin letters search the 拼音首字母")
    expected = {name for name in NAMES if wanted in name}
    assert found({"q": text}) == expected
    assert found({"q": text}) == set(Person.objects.filter(name__contains=wanted).values_list("name", flat=True))


def test_name_search_by_characters_alone_would_find_more(named):
    """The LIKE is needed: 伟王 has the characters of 王伟 but not the substring."""
    with_chars = set(Person.objects.filter(NameHasChars("王伟")).values_list("name", flat=True)) \
        if connection.vendor == "postgresql" else {name for name in NAMES if set("王伟") <= set(name)}
    assert {"伟王", "王_伟"} <= with_chars
    assert found({"q": "王伟"}) == {"王伟", "李王伟"}


def test_name_search_query_form_per_database(named):
    sql = str(person_list(actor=READER, filters={"q": "王伟"}).query)
    assert "LIKE" in sql
    assert ("string_to_array" in sql) == (connection.vendor == "postgresql")


def _explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test tables are tiny: a sequential scan would win; what matters is that the
            # index serves the query's form (its expression and its predicate).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _look(filters: dict):
    """The roster page's bounded look (selectors._few_found): ids only, no ordering."""
    return person_list(actor=READER, filters=filters).order_by().values_list("pk", flat=True)[: FEW + 1]


@on_postgresql
def test_name_chars_index_exists_on_postgresql_only():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_name_chars_idx'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "string_to_array" in definition


def test_no_name_chars_index_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Person._meta.db_table)
    assert "person_name_chars_idx" not in indexes
    assert {"person_reserve_flags_idx", "person_minority_flags_idx"} <= set(indexes)


@on_postgresql
@pytest.mark.parametrize("text", ["王", "王伟"])
def test_name_search_uses_the_name_chars_index(named, text):
    with transaction.atomic():
        plan = _explain(_look({"q": text}))
    assert "person_name_chars_idx" in plan, plan


@pytest.mark.parametrize(("filters", "indexes"), [
    # Both partial indexes serve this one (each is small and holds the other flags).
    ({"reserve": True, "team_member": "yes", "nationality": "minority"},
     ("person_reserve_flags_idx", "person_minority_flags_idx")),
    ({"reserve": True, "party": "non_party"}, ("person_reserve_flags_idx",)),
    ({"nationality": "minority", "team_member": "yes"}, ("person_minority_flags_idx",)),
])
def test_flag_combinations_are_read_from_their_partial_index(named, filters, indexes):
    with transaction.atomic():
        plan = _explain(_look(filters))
    assert any(index in plan for index in indexes), plan


def test_flag_combination_finds_the_same_people():
    units = unit_tree()
    made = {
        "甲": {"reserve_pool": "正科级后备", "is_team_member": True, "ethnicity": "03"},
        "乙": {"reserve_pool": "正科级后备", "is_team_member": True},
        "丙": {"reserve_pool": "正科级后备", "ethnicity": "03"},
        "丁": {"is_team_member": True, "ethnicity": "03"},
        "戊": {"reserve_pool": "正科级后备", "is_team_member": True, "ethnicity": "22", "political_status": "13"},
    }
    for name, fields in made.items():
        person_in(units["east"], name, **fields)
    assert found({"reserve": True, "team_member": "yes", "nationality": "minority"}) == {"甲", "戊"}
    assert found({"reserve": True, "party": "non_party"}) == {"戊"}
    assert found({"nationality": "minority", "team_member": "yes"}) == {"甲", "丁", "戊"}
    assert found({"reserve": True, "team_member": "no"}) == {"丙"}
