"""Architecture rules read from the source: one writer of posts.

`cadres.org.services` is the only module that writes `Assignment` or a person's current-post
fields (unit, post_title, rank, is_team_member, post_started_on), which mirror the open main
post; its bulk path for the roster import lives in `cadres.people.bulk_load`, which only
org.services may call for that. Everything else, the demo and the test factories included,
goes through those services. The rule is checked on the syntax tree of every module under
cadres/ (migrations excepted): a new shortcut fails here, naming the file and line.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "cadres"
WRITERS = {"cadres/org/services.py", "cadres/people/bulk_load.py"}
# Test modules that still create people directly, to move onto the services
# (cadres.accounts.testing.person_in or cadres.org.services.person_create). Shrink, never grow.
POST_FIELDS = {"unit", "unit_id", "post_title", "rank", "is_team_member", "post_started_on"}
# Names that say only posts (never a person's fields) — set anywhere, they are a post write.
POST_ONLY_FIELDS = {"post_title", "post_started_on"}
WRITE_METHODS = {"create", "bulk_create", "update", "bulk_update", "get_or_create", "update_or_create"}
BULK_WRITERS = {"people_with_posts_insert"}


def _chain(node: ast.AST) -> list[str]:
    """The names along an attribute/call chain, outermost last: Person.objects.filter(...).update
    gives ["Person", "objects", "filter", "update"]."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            names.append(node.id)
            break
        else:
            break
    return list(reversed(names))


def _is_person_like(node: ast.AST) -> bool:
    names = _chain(node)
    return bool(names) and any(word in names[0].lower() for word in ("person", "people", "cadre"))


def _is_post_like(node: ast.AST) -> bool:
    names = _chain(node)
    return bool(names) and names[-1].lower() in {"assignment", "post", "replaced", "successor", "main"}


def _keyword_names(call: ast.Call) -> set[str]:
    return {keyword.arg for keyword in call.keywords if keyword.arg is not None}


def _strings(node: ast.AST) -> set[str]:
    return {child.value for child in ast.walk(node) if isinstance(child, ast.Constant) and isinstance(child.value, str)}


def violations_in(source: str, path: str) -> list[str]:
    """Each place in a module that writes a post or a person's current-post fields."""
    tree = ast.parse(source)
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{path}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            names = _chain(node.func)
            method = names[-1] if names else ""
            if names in (["Assignment"], ["models", "Assignment"]):
                report(node, "Assignment(...)")
            elif names[:2] == ["Assignment", "objects"] and method in WRITE_METHODS:
                report(node, f"Assignment.objects….{method}()")
            elif "assignments" in names[:-1] and method in WRITE_METHODS:
                report(node, f"….assignments.{method}()")
            elif names == ["Person"] and _keyword_names(node) & POST_FIELDS:
                report(node, "Person(...) with current-post fields")
            elif names[:2] == ["Person", "objects"] and method in WRITE_METHODS - {"bulk_update"}:
                if method == "bulk_create" or _keyword_names(node) & POST_FIELDS or any(
                    keyword.arg is None for keyword in node.keywords
                ):
                    report(node, f"Person.objects….{method}() with current-post fields")
            elif method == "bulk_update" and names[:1] == ["Person"] and _strings(node) & POST_FIELDS:
                report(node, "Person.objects.bulk_update() of current-post fields")
            elif method == "save" and _is_post_like(node.func.value if isinstance(node.func, ast.Attribute) else node):
                report(node, "save() of an assignment")
            elif method == "save" and _is_person_like(node.func) and _strings(node) & POST_FIELDS:
                report(node, "save(update_fields=…) of current-post fields")
            elif method in BULK_WRITERS:
                report(node, f"{method}() of the bulk writer of posts")
            elif method == "person_columns_update" and "allow_post_fields" in _keyword_names(node):
                report(node, "person_columns_update() of current-post fields")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if not isinstance(element, ast.Attribute):
                        continue
                    if element.attr in POST_ONLY_FIELDS or (
                        element.attr in POST_FIELDS and _is_person_like(element.value)
                    ):
                        report(node, f"….{element.attr} = …")
        elif isinstance(node, ast.ImportFrom) and node.module == "cadres.people.bulk_load":
            for alias in node.names:
                if alias.name == "people_with_posts_insert":
                    report(node, "import of the bulk writer of posts")
        elif isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            text = ast.unparse(node)
            if any(verb in text for verb in ("INSERT INTO", "UPDATE ", "COPY ")) and any(
                table in text for table in ("org_assignment", "people_person", "Assignment._meta", "Person._meta")
            ):
                report(node, "SQL writing posts or people")
    return found


def modules() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_only_the_org_services_write_posts_and_current_post_fields():
    # given
    this_module = str(Path(__file__).resolve().relative_to(ROOT))  # its examples are writes
    skipped = WRITERS | {this_module}
    checked = [(path, source) for path, source in modules() if path not in skipped]

    # when
    found = [line for path, source in checked for line in violations_in(source, path)]

    # then
    assert found == [], "write posts through cadres.org.services:\n" + "\n".join(found)


def test_the_writers_themselves_are_seen_by_the_check():
    # given: the org services and the bulk path, which do write posts
    sources = dict(modules())

    # when
    found = {path: violations_in(sources[path], path) for path in WRITERS}

    # then: the check would catch those writes anywhere else
    assert all(found.values()), found


@pytest.mark.parametrize("source", [
    "Assignment(person=p, unit=u)",
    "Assignment.objects.create(person=p)",
    "Assignment.objects.filter(person=p).update(ended_on=d)",
    "Assignment.objects.bulk_create(rows)",
    "person.assignments.create(unit=u)",
    "assignment.save()",
    "Person.objects.create(name='张三', unit=u, rank='0142')",
    "Person.objects.filter(pk=1).update(post_title='局长')",
    "Person.objects.bulk_update(people, ['remarks', 'unit'])",
    "Person(name='张三', unit=u)",
    "person.unit = other",
    "someone.post_title = '局长'",
    "person.save(update_fields=['rank'])",
    "from cadres.people.bulk_load import people_with_posts_insert",
    "person_columns_update(rows, now=now, allow_post_fields=True)",
    "cursor.execute(f'UPDATE {Person._meta.db_table} SET rank = %s')",
])
def test_each_kind_of_write_is_caught(source):
    # when
    found = violations_in(source, "example.py")

    # then
    assert found, source


@pytest.mark.parametrize("source", [
    "Assignment.objects.filter(ended_on__isnull=True).count()",
    "Person.objects.filter(pk=1).update(remarks='借调')",
    "unit.save(update_fields=['unit_type'])",
    "target.rank = 3",
    "person.remarks = '借调'",
    "person_columns_update(rows, now=now)",
])
def test_reads_and_other_writes_pass(source):
    # when
    found = violations_in(source, "example.py")

    # then
    assert found == [], source
