"""Avoidance conflicts (任职回避, 地域回避) of many people at once, as `Finding`s.

任职回避 (RULES.md §2, 《党政领导干部任职回避暂行规定》第三条): two people related within the
kinship the `avoidance` rule lists (its params "relations") — a `people.Relative` row of one
matched to the other's `Person` by 身份证号, else by name and birth month — conflict on a date
when, among the posts each holds then:

- same_team: both are members of one unit's leadership team;
- sensitive_office: one works in 组织人事 / 纪检监察 / 审计 / 财务 (a word of the params
  "sensitive_offices" in his unit's name or his title) in a unit where the other is a team
  member, or below it;
- chain: one is a team member of a unit that is the other's unit or above it (direct
  superior/subordinate relation);
- same_unit: neither leads the other but both hold posts in the same unit (the rule's "同一
  机关…直接隶属于同一领导人员的职务"; the unit is the finest the records know).

One finding a pair, the first kind in that order. 地域回避 (第五条, the `regional_avoidance`
rule): a team member holding a 正职 of one of the params "offices" (a word in the unit's name
or the title) of the county — a unit at the top of the tree or directly under it — whose 籍贯
or 出生地 names that county (its full name, or the name without the 县/市 suffix). 经商办企业
回避 (第四条, the `business_avoidance` rule): a team member of a unit whose 主管或监管的行业
(Unit.regulated_industries) include the industry of a business run by a relative of the
params "relations" (配偶、子女及其配偶: Relative.business and business_industry).

Everything is read in a few queries whatever the number of people: the kinship pairs by two
set-based queries on Relative, the posts of only the people in pairs. `overrides` replaces the
main post of some people (a hypothetical state: the exchange plan's preview), so the same code
answers "before" and "after".
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from cadres.alerts.findings import Finding
from cadres.cases.rules import rule
from cadres.core import codes
from cadres.core.dates import format_day
from cadres.org.models import PATH_SEPARATOR, Unit
from cadres.org.selectors import in_blocks, posts_held_on
from cadres.people.models import Person, Relative

KIN_RULE = "avoidance"
REGIONAL_RULE = "regional_avoidance"
BUSINESS_RULE = "business_avoidance"
SAME_TEAM, SENSITIVE, CHAIN, SAME_UNIT = "same_team", "sensitive_office", "chain", "same_unit"
REGIONAL = "regional"
KIND_ORDER = (SAME_TEAM, SENSITIVE, CHAIN, SAME_UNIT)
KIND_LABELS = {SAME_TEAM: "同一班子", SENSITIVE: "敏感岗位", CHAIN: "直接上下级", SAME_UNIT: "同一单位",
               REGIONAL: "地域回避"}
# A county name's suffixes left out when looking for it in a native place ("青岚县" → "青岚").
COUNTY_SUFFIXES = ("县", "市", "区", "旗")


@dataclass(frozen=True)
class Post:
    """A post held on the date (real or hypothetical)."""

    person_id: int
    unit_id: int
    title: str
    rank: str
    is_team_member: bool
    is_main: bool = True


@dataclass(frozen=True)
class KinPair:
    """Two people related within the rule's kinship: `relation` is how `holder` records `other`."""

    holder_id: int
    other_id: int
    relation: str


@dataclass(frozen=True)
class Business:
    """A business run by a relative of a recorded person (任职回避 第四条): `relation` is how
    the person records the relative, `industry` its 行业门类 code."""

    person_id: int
    relation: str
    name: str
    business: str
    industry: str

    def text(self) -> str:
        return (f"其{self.relation}{self.name}经商办企业（{self.business}，"
                f"{codes.name_for('industry', self.industry)}）")


def businesses(relations: Iterable[str], *, people: Iterable[int] | None = None) -> list[Business]:
    """The businesses, in a known industry, of the living relatives of `relations` (those of
    `people` only, when given)."""
    rows = (Relative.objects.filter(relation__in=sorted(set(relations)), is_deceased=False)
            .exclude(business_industry="").order_by("person_id", "sort_order", "id"))
    fields = ("person_id", "relation", "name", "business", "business_industry")
    if people is None:
        return [Business(*row) for row in rows.values_list(*fields)]
    return [Business(*row) for block in _blocks(people)
            for row in rows.filter(person_id__in=block).values_list(*fields)]


def business_conflicts(found: Iterable[Business], unit: Unit) -> list[Business]:
    """The businesses in an industry `unit` regulates or is in charge of."""
    industries = set(unit.industries)
    return [business for business in found if business.industry in industries]


def business_findings(found: list[Business], posts: Mapping[int, list[Post]], units: Mapping[int, Unit],
                      names: Mapping[int, str], *, on: dt.date) -> list[Finding]:
    """第四条 (pure): a leader (班子成员) of a unit regulating the industry of a business his
    spouse or child runs; one finding a person and unit."""
    findings = []
    for person_id in sorted({business.person_id for business in found}):
        own = [business for business in found if business.person_id == person_id]
        for post in posts.get(person_id, []):
            unit = units[post.unit_id]
            conflicts = business_conflicts(own, unit) if post.is_team_member else []
            if not conflicts:
                continue
            findings.append(Finding(
                kind="avoidance", key=f"business:{person_id}:{unit.pk}", rule_code=BUSINESS_RULE,
                message=(f"{names.get(person_id, '')}任{unit.name}{post.title}，"
                         f"{'；'.join(business.text() for business in conflicts)}，属{unit.name}主管或监管的行业，"
                         f"须任职回避（经商办企业，{format_day(on)}）"),
                person_id=person_id, unit_id=unit.pk, due_on=on,
            ))
    return findings


def _blocks(ids: Iterable[Any]) -> Iterable[Sequence[Any]]:
    return in_blocks(sorted(set(ids)))


def kin_pairs(relations: Iterable[str], *, people: Iterable[int] | None = None) -> list[KinPair]:
    """Every pair of recorded people related by one of `relations` (each pair once, from the
    first Relative row found); only pairs touching `people` when given. Two queries on
    Relative and two on Person, each set-based."""
    wanted = sorted(set(relations))
    if not wanted:
        return []
    rows = Relative.objects.filter(relation__in=wanted, is_deceased=False)
    with_id = Q(id_number__in=Person.objects.exclude(id_number="").values("id_number"))
    by_name = Q(birth_date__isnull=False, name__in=Person.objects.values("name"))
    found = list(rows.filter(with_id | by_name).order_by("person_id", "sort_order", "id")
                 .values_list("person_id", "relation", "name", "birth_date", "id_number"))
    by_number: dict[str, int] = {}
    for block in _blocks(number for *_, number in found if number):
        by_number.update(Person.objects.filter(id_number__in=block).values_list("id_number", "pk"))
    by_month: dict[tuple[str, int, int], list[int]] = {}
    for block in _blocks(name for _, _, name, birth, _ in found if birth is not None):
        for pk, name, birth in Person.objects.filter(name__in=block).values_list("pk", "name", "birth_date"):
            by_month.setdefault((name, birth.year, birth.month), []).append(pk)
    pairs: dict[tuple[int, int], KinPair] = {}
    scope = set(people) if people is not None else None
    for holder, relation, name, birth, number in found:
        matches = [by_number[number]] if number and number in by_number else (
            by_month.get((name, birth.year, birth.month), []) if birth is not None else [])
        for other in matches:
            key = (min(holder, other), max(holder, other))
            if other == holder or key in pairs:
                continue
            if scope is not None and holder not in scope and other not in scope:
                continue
            pairs[key] = KinPair(holder, other, relation)
    return list(pairs.values())


def posts_on(on: dt.date, people: Iterable[int],
             overrides: Mapping[int, Post] | None = None) -> dict[int, list[Post]]:
    """The posts each person holds on `on`; a person in `overrides` holds that post as his main
    post instead of the main post he holds (his concurrent posts stay)."""
    result: dict[int, list[Post]] = {}
    for block in _blocks(people):
        for person_id, unit_id, title, rank, team, main in (
                posts_held_on(on).filter(person_id__in=block)
                .values_list("person_id", "unit_id", "title", "rank", "is_team_member", "is_main")):
            if overrides and person_id in overrides and main:
                continue
            result.setdefault(person_id, []).append(Post(person_id, unit_id, title, rank, team, main))
    for person_id, post in (overrides or {}).items():
        if person_id in result or person_id in set(people):
            result.setdefault(person_id, []).append(post)
    return result


def _within(inner: Unit, outer: Unit) -> bool:
    """`inner` is `outer` or below it."""
    return inner.pk == outer.pk or inner.path.startswith(outer.path + PATH_SEPARATOR)


def _office(post: Post, unit: Unit, words: list[str]) -> str:
    return next((word for word in words if word in unit.name or word in post.title), "")


def pair_conflict(a: Post, b: Post, units: Mapping[int, Unit], sensitive: list[str]) -> tuple[str, str]:
    """(kind, why) for two relatives' posts, or ("", "") when they do not conflict."""
    ua, ub = units[a.unit_id], units[b.unit_id]
    if a.unit_id == b.unit_id and a.is_team_member and b.is_team_member:
        return SAME_TEAM, f"同为{ua.name}领导班子成员"
    for worker, leader, uw, ul in ((a, b, ua, ub), (b, a, ub, ua)):
        office = _office(worker, uw, sensitive)
        if office and leader.is_team_member and _within(uw, ul) and not worker.is_team_member:
            return SENSITIVE, f"一方在另一方任领导职务的{ul.name}从事{office}工作"
    for lower, upper, ul, uu in ((a, b, ua, ub), (b, a, ub, ua)):
        if upper.is_team_member and _within(ul, uu) and not (ul.pk == uu.pk and lower.is_team_member):
            where = "同一单位" if ul.pk == uu.pk else ul.name
            return CHAIN, f"一方任{uu.name}领导职务，另一方在{where}任职，有直接上下级领导关系"
    if a.unit_id == b.unit_id:
        return SAME_UNIT, f"同在{ua.name}任职，直接隶属于同一领导人员"
    return "", ""


def _post_text(post: Post, units: Mapping[int, Unit]) -> str:
    return f"{units[post.unit_id].name}{post.title}"


def kin_findings(pairs: list[KinPair], posts: Mapping[int, list[Post]], units: Mapping[int, Unit],
                 names: Mapping[int, str], *, sensitive: list[str], on: dt.date,
                 scope: set[int] | None = None) -> list[Finding]:
    """The conflicts of the pairs on `on` (pure: everything is given)."""
    findings = []
    for pair in pairs:
        best: tuple[int, str, str, Post, Post] | None = None
        for a in posts.get(pair.holder_id, []):
            for b in posts.get(pair.other_id, []):
                kind, why = pair_conflict(a, b, units, sensitive)
                if kind:
                    rank = KIND_ORDER.index(kind)
                    if best is None or rank < best[0]:
                        best = (rank, kind, why, a, b)
        if best is None:
            continue
        _, kind, why, a, b = best
        person_id = pair.holder_id if scope is None or pair.holder_id in scope else pair.other_id
        low, high = sorted((pair.holder_id, pair.other_id))
        findings.append(Finding(
            kind="avoidance", key=f"avoidance:{low}:{high}", rule_code=KIN_RULE,
            message=(f"{names.get(pair.holder_id, '')}（{_post_text(a, units)}）与其{pair.relation}"
                     f"{names.get(pair.other_id, '')}（{_post_text(b, units)}）{why}，须任职回避"
                     f"（{KIND_LABELS[kind]}，{format_day(on)}）"),
            person_id=person_id, unit_id=a.unit_id, due_on=on,
        ))
    return findings


def county_names(unit: Unit) -> list[str]:
    """The names of the county a unit belongs to (its top unit): the full name and, when the
    rest is at least two characters, the name without its 县/市 suffix."""
    top = unit.path.split(PATH_SEPARATOR, 1)[0]
    names = [top]
    for suffix in COUNTY_SUFFIXES:
        if top.endswith(suffix) and len(top) - len(suffix) >= 2:
            names.append(top[: -len(suffix)])
            break
    return names


def _is_head(post: Post, unit: Unit, titles: frozenset[str]) -> bool:
    from cadres.plans.selectors import is_principal_title

    if is_principal_title(post.title, titles, unit.name):
        return True
    # A county organ's head is often titled with the organ's name (县委书记 in the county's
    # own unit): a part ending with a principal title, with no 副.
    return "副" not in post.title and any(
        part.endswith(title) for part in post.title.replace("、", " ").split() for title in titles)


def _county_office(post: Post, unit: Unit, offices: list[str]) -> str:
    """The county organ a post heads, for 地域回避: a department directly under the county named
    for the organ (县纪委, 县委组织部, 县公安局 …), or the county itself (县委书记, 县长). A
    township's own 纪委书记 or 组织委员 heads no county organ."""
    if unit.depth == 1:
        return next((word for word in offices if word in unit.name), "")
    if unit.depth == 0:
        return _office(post, unit, offices) or ("县政府" if post.title.endswith("长") else "")
    return ""


def regional_findings(posts: Mapping[int, list[Post]], units: Mapping[int, Unit],
                      places: Mapping[int, tuple[str, str, str]], *, offices: list[str],
                      titles: frozenset[str], on: dt.date) -> list[Finding]:
    """地域回避 (pure): `places` gives each person's (name, 籍贯, 出生地)."""
    findings = []
    for person_id, held in posts.items():
        name, native, born = places.get(person_id, ("", "", ""))
        if not (native or born):
            continue
        for post in held:
            unit = units[post.unit_id]
            office = _county_office(post, unit, offices)
            if not (post.is_team_member and office and _is_head(post, unit, titles)):
                continue
            county = next((county for county in county_names(unit) if county in native or county in born), "")
            if not county:
                continue
            where = "籍贯" if county in native else "出生地"
            findings.append(Finding(
                kind="avoidance", key=f"regional:{person_id}:{post.unit_id}", rule_code=REGIONAL_RULE,
                message=(f"{name}任{unit.name}{post.title}，{where}为{native if where == '籍贯' else born}，"
                         f"属在成长地担任县（市）{office}正职，须地域回避"),
                person_id=person_id, unit_id=unit.pk, due_on=on,
            ))
            break
    return findings


def avoidance_findings(people_qs: QuerySet[Person] | Iterable[int], on: dt.date, *,
                       overrides: Mapping[int, Post] | None = None) -> list[Finding]:
    """Every avoidance conflict on `on` of the people in `people_qs` (a Person queryset or
    ids): one Finding a related pair with at least one of them in it (任职回避), and one a
    person for 地域回避. `overrides` gives some people a hypothetical main post (see the module
    docstring). A rule without a row in force on `on` is not checked."""
    if isinstance(people_qs, QuerySet):
        scope: set[int] | None = None if not (people_qs.query.where or people_qs.query.is_empty()) \
            else set(people_qs.values_list("pk", flat=True))
    else:
        scope = set(people_qs)
    kin_rule, regional_rule = rule(KIN_RULE, on), rule(REGIONAL_RULE, on)
    business_rule = rule(BUSINESS_RULE, on)
    findings: list[Finding] = []
    pairs: list[KinPair] = []
    if kin_rule is not None:
        numbers = kin_rule.params or {}
        pairs = kin_pairs(numbers.get("relations") or [], people=scope)
    found = (businesses((business_rule.params or {}).get("relations") or [], people=scope)
             if business_rule is not None else [])
    involved = {pid for pair in pairs for pid in (pair.holder_id, pair.other_id)}
    involved |= {business.person_id for business in found}
    regional_people: set[int] = set()
    offices: list[str] = []
    if regional_rule is not None:
        offices = list((regional_rule.params or {}).get("offices") or [])
        regional_people = _regional_candidates(scope, offices, overrides, on)
    posts = posts_on(on, involved | regional_people, overrides)
    unit_ids = {post.unit_id for held in posts.values() for post in held}
    units = Unit.objects.in_bulk(unit_ids)
    people = {pk: (name, native, born) for pk, name, native, born in _people_values(involved | regional_people)}
    if pairs:
        sensitive = list((kin_rule.params or {}).get("sensitive_offices") or []) if kin_rule else []
        findings += kin_findings(pairs, posts, units, {pk: value[0] for pk, value in people.items()},
                                 sensitive=sensitive, on=on, scope=scope)
    if found:
        findings += business_findings(found, posts, units, {pk: value[0] for pk, value in people.items()},
                                      on=on)
    if regional_people:
        from cadres.plans.selectors import principal_titles

        findings += regional_findings({pk: posts.get(pk, []) for pk in regional_people}, units, people,
                                      offices=offices, titles=principal_titles(), on=on)
    return findings


def _people_values(ids: set[int]) -> list[tuple[int, str, str, str]]:
    rows: list[tuple[int, str, str, str]] = []
    for block in _blocks(ids):
        rows += Person.objects.filter(pk__in=block).values_list("pk", "name", "native_place", "birthplace")
    return rows


def _regional_candidates(scope: set[int] | None, offices: list[str],
                         overrides: Mapping[int, Post] | None, on: dt.date) -> set[int]:
    """The people who may fall under 地域回避: team members with a 籍贯 or 出生地, holding a post
    in a unit at the top two levels whose name or title names an office (a superset; the
    check itself is exact)."""
    if not offices:
        return set()
    named = Q(unit__depth=0)
    for word in offices:
        named |= Q(unit__depth=1, unit__name__contains=word)
    posts = posts_held_on(on).filter(named, is_team_member=True).filter(
        Q(person__native_place__gt="") | Q(person__birthplace__gt=""))
    candidates = set(posts.values_list("person_id", flat=True).distinct())
    if overrides:
        candidates |= set(overrides)
    return candidates if scope is None else candidates & scope


KIN_DETAIL_HIDDEN = "与亲属存在任职回避情形（亲属关系属敏感信息，须有查阅敏感信息权限方可查看详情）"


def for_reader(findings: Iterable[Finding], user: Any) -> list[Finding]:
    """The findings as `user` may read them: a kinship conflict names the relation and the
    relative (family data), so without `people.view_sensitive` it says only that there is one."""
    from dataclasses import replace

    from cadres.accounts.permissions import can_see_sensitive

    if user is None or can_see_sensitive(user):
        return list(findings)
    return [replace(finding, message=f"{finding.message.split('（', 1)[0].split('，', 1)[0]}：{KIN_DETAIL_HIDDEN}")
            if finding.rule_code in (KIN_RULE, BUSINESS_RULE) else finding for finding in findings]
