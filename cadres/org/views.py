"""Pages of the unit tree."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cadres.org.models import PATH_SEPARATOR, Unit
from cadres.org.selectors import unit_team_members, unit_tree


@require_GET
def unit_tree_page(request: HttpRequest) -> HttpResponse:
    rows = unit_tree(actor=request.user)
    return render(request, "org/unit_tree.html", {"rows": rows})


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    rows = unit_tree(actor=request.user, root=unit)
    parts = unit.path.split(PATH_SEPARATOR)
    ancestor_paths = [PATH_SEPARATOR.join(parts[:end]) for end in range(1, len(parts))]
    ancestors = list(
        Unit.objects.visible_to(request.user).filter(path__in=ancestor_paths).order_by("depth")
    )
    return render(request, "org/unit_detail.html", {
        "unit": unit,
        "figures": rows[0],
        "rows": rows,
        "ancestors": ancestors,
        "team": unit_team_members(actor=request.user, unit=unit),
    })
