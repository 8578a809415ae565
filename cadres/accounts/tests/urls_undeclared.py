"""A test URLconf: the project's pages plus a module that declares nothing for one view."""

from django.http import HttpResponse
from django.urls import include, path

from cadres.accounts.decorators import public, requires, signed_in_only


def undeclared(request):
    return HttpResponse("secret")


@requires("audit.view")
def declared_for_auditors(request):
    return HttpResponse("for auditors")


@signed_in_only
def declared_for_everyone(request):
    return HttpResponse("for everyone")


@public
def declared_public(request):
    return HttpResponse("public")


newmodule_patterns = ([
    path("undeclared/", undeclared, name="undeclared"),
    path("auditors/", declared_for_auditors, name="auditors"),
    path("everyone/", declared_for_everyone, name="everyone"),
    path("public/", declared_public, name="public"),
], "newmodule")

urlpatterns = [
    path("", include("config.urls")),
    path("newmodule/", include(newmodule_patterns)),
]
