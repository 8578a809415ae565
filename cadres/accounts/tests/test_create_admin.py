import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cadres.accounts.permissions import can_manage_users, requires_two_factor
from cadres.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_create_admin_makes_a_superuser_who_must_change_password_and_use_totp(tmp_path):
    # given
    password_file = tmp_path / "pw"
    password_file.write_text("Chushi-mima-2026!\n", encoding="utf-8")
    # when
    call_command("create_admin", "root", password_file=str(password_file))
    # then
    user = get_user_model().objects.get(username="root")
    assert (user.is_superuser, user.must_change_password) == (True, True)
    assert user.check_password("Chushi-mima-2026!")
    assert requires_two_factor(user) is True
    assert can_manage_users(user) is True
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        AuditAction.USER_CREATED, AuditAction.GRANT_CREATED]
