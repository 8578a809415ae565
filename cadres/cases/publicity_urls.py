"""The officers' pages of the 任前公示 and the completion, under /cases/ (namespace "cases")."""

from django.urls import path

from cadres.cases import publicity_views as views

urlpatterns = [
    path("stats/", views.stats_page, name="stats"),
    path("<int:pk>/publicity/", views.case_publicity, name="case_publicity"),
    path("<int:pk>/notices/add/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
    path("<int:pk>/comments/", views.comment_list, name="comment_list"),
    path("comments/<int:pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("<int:pk>/suspension/lift/", views.suspension_lift, name="suspension_lift"),
    path("nominees/<int:pk>/appoint/", views.nominee_appoint, name="nominee_appoint"),
    path("nominees/<int:pk>/talk/", views.talk_record, name="talk_record"),
    path("nominees/<int:pk>/probation/", views.probation_end, name="probation_end"),
    path("<int:pk>/complete/", views.case_complete, name="case_complete"),
    path("<int:pk>/appointment-notice/", views.appointment_notice_docx_view, name="appointment_notice_docx"),
]
