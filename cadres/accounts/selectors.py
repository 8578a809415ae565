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


def relatives_of(person_id: int) -> set[int]:
    """Ids of cadres recorded as family members of this cadre, matched by 身份证号.

    Family records (people.Relative, when it exists) name relatives who may themselves be
    cadres; a relative with a 身份证号 that matches a Person counts.
    """
    from django.apps import apps

    try:
        relative_model = apps.get_model("people", "Relative")
    except LookupError:
        return set()
    field_names = {f.name for f in relative_model._meta.get_fields()}
    if "person" not in field_names or "id_number" not in field_names:
        return set()
    from cadres.people.models import Person

    numbers = [
        number for number in relative_model.objects.filter(person_id=person_id)
        .exclude(id_number="").values_list("id_number", flat=True)
    ]
    if not numbers:
        return set()
    return set(Person.objects.filter(id_number__in=numbers).values_list("pk", flat=True))
