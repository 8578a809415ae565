"""The public 任前公示 pages, at /gongshi/ (namespace "notices"): the only pages of the system
open without signing in besides the login and the voters' pages."""

from django.urls import path

from cadres.cases import public_views as views

urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<int:pk>/thanks/", views.comment_thanks, name="comment_thanks"),
]
