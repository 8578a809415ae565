"""The default roles get the ballot module's codes (cadres.accounts.roles.BALLOT_CODES): added to
what each role holds, so a deployment's own changes to those roles stay."""

from django.db import migrations

BALLOT_CODES = {
    "cadre_office": ["ballots.manage", "ballots.scrutinize", "ballots.view"],
    "supervision": ["ballots.scrutinize", "ballots.view"],
    "leader": ["ballots.view"],
}


def add_codes(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=BALLOT_CODES):
        role.permissions = sorted(set(role.permissions) | set(BALLOT_CODES[role.code]))
        role.save(update_fields=["permissions"])


def remove_codes(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=BALLOT_CODES):
        role.permissions = sorted(set(role.permissions) - set(BALLOT_CODES[role.code]))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_role_remove_flags")]
    operations = [migrations.RunPython(add_codes, remove_codes)]
