"""The pages of a selection case and of the meetings that decide it (namespace "cases")."""

from django.urls import URLPattern, path

from cadres.cases import ballot_views
from cadres.cases import case_views as views

urlpatterns: list[URLPattern] = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/move/", views.case_move, name="case_move"),
    path("<int:pk>/pause/", views.case_pause, name="case_pause"),
    path("<int:pk>/resume/", views.case_resume, name="case_resume"),
    path("<int:pk>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("<int:pk>/archive/", views.case_archive, name="case_archive"),
    path("<int:pk>/note/", views.case_note, name="case_note"),
    path("<int:pk>/posts/add/", views.case_post_add, name="case_post_add"),
    path("<int:pk>/nominees/add/", views.nominee_add, name="nominee_add"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("<int:pk>/record-sheet.pdf", views.record_sheet_pdf, name="record_sheet_pdf"),
    path("<int:pk>/record-sheet.docx", views.record_sheet_docx, name="record_sheet_docx"),
    path("nominees/<int:pk>/stage/", views.nominee_stage, name="nominee_stage"),
    path("nominees/<int:pk>/explain/", views.nominee_explain, name="nominee_explain"),
    path("<int:pk>/explain/", views.case_explain, name="case_explain"),
    path("<int:pk>/ballots/", ballot_views.case_ballot_import, name="case_ballot_import"),
    path("topics/<int:pk>/decision-from-vote/", ballot_views.decision_from_vote, name="decision_from_vote"),
    path("nominees/<int:pk>/diligence/", views.diligence_add, name="diligence_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/topics/add/", views.topic_add, name="topic_add"),
    path("topics/<int:pk>/decision/", views.decision_record, name="decision_record"),
]
