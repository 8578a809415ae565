from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_for_command(username: str | None):
    """The user a command acts as (for the audit record); None acts as the system."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as error:
        raise CommandError(f"用户不存在：{username}") from error
