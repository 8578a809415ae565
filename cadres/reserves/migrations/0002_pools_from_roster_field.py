"""Pools from the free-text 后备干部 field: each distinct value becomes a pool (with the
documents' five targets) and each person holding it an active member from 名册导入, so nothing
kept so far is lost; and the module's codes for the default roles."""

import datetime as dt

from django.db import migrations

TARGETS = [
    # measure, age, threshold (percent of the pool, or multiple of the posts)
    ("age_at_most", 35, 30), ("age_at_most", 30, 10), ("women", None, 20), ("non_party", None, 10),
    ("posts_ratio", None, 2),
]
CODES = {
    "cadre_office": ["reserves.view", "reserves.manage"],
    "supervision": ["reserves.view"],
    "leader": ["reserves.view"],
}


def pools_from_field(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    ReservePool = apps.get_model("reserves", "ReservePool")
    ReserveTarget = apps.get_model("reserves", "ReserveTarget")
    ReserveMember = apps.get_model("reserves", "ReserveMember")
    today = dt.date.today()
    names = sorted(set(Person.objects.exclude(reserve_pool="").values_list("reserve_pool", flat=True)))
    for name in names:
        pool, created = ReservePool.objects.get_or_create(name=name[:50])
        if created:
            ReserveTarget.objects.bulk_create([
                ReserveTarget(pool=pool, measure=measure, age=age, threshold=threshold, sort_order=order)
                for order, (measure, age, threshold) in enumerate(TARGETS)
            ])
        ReserveMember.objects.bulk_create([
            ReserveMember(pool=pool, person_id=person_id, source="roster", nominated_on=today)
            for person_id in Person.objects.filter(reserve_pool=name).values_list("pk", flat=True)
        ], ignore_conflicts=True)


def add_role_codes(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=CODES):
        role.permissions = sorted(set(role.permissions) | set(CODES[role.code]))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("reserves", "0001_reserves"), ("people", "0008_person_search_indexes"),
                    ("accounts", "0007_default_roles_ballot_codes")]
    operations = [migrations.RunPython(pools_from_field, migrations.RunPython.noop),
                  migrations.RunPython(add_role_codes, migrations.RunPython.noop)]
