from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

# A command run without --user reads as the local operator: everyone on record (it passes
# visible_to as a superuser does). Writes without --user pass actor=None (audited as 系统).
SYSTEM_READER = SimpleNamespace(
    pk=None, is_authenticated=True, is_active=True, is_superuser=True, username="system"
)


def user_for_command(username: str | None):
    """The user a command acts as (for the audit record); None acts as the system."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as error:
        raise CommandError(f"用户不存在：{username}") from error


def relatives_of(person_id: int) -> set[int]:
    """Ids of cadres recorded as family members of this cadre, matched by 身份证号."""
    from cadres.people.models import Person, Relative

    numbers = Relative.objects.filter(person_id=person_id).exclude(id_number="").values("id_number")
    return set(Person.objects.filter(id_number__in=numbers).values_list("pk", flat=True))


def login_locked_usernames(*, usernames: list[str]) -> set[str]:
    """Which of these usernames (lower-cased) are locked out of signing in at some address."""
    from cadres.accounts.models import LoginThrottle
    from cadres.accounts.services import locked_addresses

    lowered = {name.lower() for name in usernames}
    candidates = set(
        LoginThrottle.objects.filter(username__in=lowered).values_list("username", flat=True)
    )
    return {name for name in candidates if locked_addresses(username=name)}
