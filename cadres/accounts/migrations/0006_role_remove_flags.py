from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("accounts", "0005_role_permissions_from_flags")]

    operations = [
        migrations.RemoveField(model_name="role", name=name)
        for name in ("sees_records", "sees_analysis", "sees_sensitive", "sees_reports",
                     "browses_audit", "manages_users")
    ]
