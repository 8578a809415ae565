from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("accounts", "0003_default_roles")]

    operations = [
        migrations.AddField(
            model_name="role",
            name="permissions",
            field=models.JSONField(blank=True, default=list, verbose_name="权限"),
        ),
        migrations.CreateModel(
            name="LoginThrottle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("username", models.CharField(max_length=150, verbose_name="用户名")),
                ("ip_address", models.CharField(max_length=45, verbose_name="IP地址")),
                ("counted_since", models.DateTimeField(blank=True, null=True,
                                                       verbose_name="计数起点")),
                ("locked_at", models.DateTimeField(blank=True, null=True,
                                                   verbose_name="锁定时间")),
            ],
            options={
                "verbose_name": "登录锁定状态",
                "verbose_name_plural": "登录锁定状态",
                "constraints": [models.UniqueConstraint(
                    fields=("username", "ip_address"), name="login_throttle_username_ip_unique")],
            },
        ),
    ]
