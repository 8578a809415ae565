"""Pages of one cadre's file: the 干部信息卡 and its editing."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cadres.accounts.dossier import dossier_is_open
from cadres.accounts.permissions import can_open_dossier
from cadres.accounts.services import record_view
from cadres.core.dates import format_month
from cadres.people.models import Person
from cadres.people.selectors import person_assignments, person_resume


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    # Opening a card is recorded (查阅干部信息卡), rate-limited by accounts.services.
    record_view(request, person)
    assignments = person_assignments(person=person)
    shows_sensitive = dossier_is_open(request, person)
    return render(request, "people/person_detail.html", {
        "person": person,
        "birth": format_month(person.birth_date, day_known=person.birth_day_known),
        "assignments": assignments,
        "resume": person_resume(assignments=assignments),
        # The full 身份证号 shows only while a registered read (查阅登记) of the file is open.
        "shows_sensitive": shows_sensitive,
        "relatives": list(person.relatives.all()) if shows_sensitive else [],
        "may_open_dossier": can_open_dossier(request.user, person),
    })
