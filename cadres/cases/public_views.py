"""The public 任前公示 pages (no login): the notices current today, one notice with the form
for comments, and the thanks page. Nothing else is public: a notice not published, withdrawn,
not yet begun or past its last day is a 404, and the pages show only the notice's own title,
period and text (no internal ids of people: the form names the person concerned by his place in
the notice).

Robots are kept off by a field people never see (a filled one is thanked and dropped) and by a
limit of comments per client address an hour, counted in the cache under a keyed hash of the
address: the address itself is never stored.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET, require_http_methods

from cadres.accounts.decorators import public
from cadres.cases import publicity
from cadres.cases.models import PublicNotice
from cadres.cases.publicity_forms import CommentForm
from cadres.core.forms import service_errors_on_form

TOO_MANY = "提交过于频繁，请一小时后再试，或通过公示中的电话、信函或12380反映"


def comments_per_hour() -> int:
    return settings.CASES_PUBLIC_COMMENTS_PER_HOUR


def _client_key(request: HttpRequest) -> str:
    """A keyed hash of the sender's address and the day: the same sender within a day, and
    nothing that gives the address back without the installation's key."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    return salted_hmac("cadres.cases.public_views.rate", f"{address}|{timezone.localdate()}").hexdigest()


def _current(pk: int) -> PublicNotice:
    notice = publicity.notices_current().filter(pk=pk).first()
    if notice is None:
        raise Http404("没有这个公示，或已不在公示期内")
    return notice


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@public
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    return _page(request, "cases/public/notice_list.html", {"notices": list(publicity.notices_current())})


@public
@require_http_methods(["GET", "POST"])
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _current(pk)
    nominees = publicity.notice_nominees(notice)
    form = CommentForm(request.POST or None, names=[nominee.person.name for nominee in nominees])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:  # the trap field a person does not see: thanked, not stored
            return redirect("notices:comment_thanks", notice.pk)
        concerned = nominees[int(data["nominee"]) - 1] if data["nominee"] else None
        try:
            publicity.comment_submit(notice=notice, content=data["content"], nominee=concerned,
                                     contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                                     client_key=_client_key(request), per_hour=comments_per_hour())
        except publicity.TooManyComments:
            form.add_error(None, TOO_MANY)
            return _page(request, "cases/public/notice_detail.html", {"notice": notice, "form": form}, status=429)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            return redirect("notices:comment_thanks", notice.pk)
    return _page(request, "cases/public/notice_detail.html", {"notice": notice, "form": form},
                 status=400 if form.errors else 200)


@public
@require_GET
def comment_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "cases/public/thanks.html", {"notice": _current(pk)})
