from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: officer, unit clerk, committee member or leader."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    def __str__(self) -> str:
        return self.full_name or self.username
