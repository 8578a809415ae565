from django.urls import path

from cadres.ballots import views

app_name = "ballots"
urlpatterns = [
    path("", views.vote_list, name="vote_list"),
    path("new/<str:kind>/", views.vote_create, name="vote_create"),
    path("<int:pk>/", views.vote_detail, name="vote_detail"),
    path("<int:pk>/edit/", views.vote_update, name="vote_update"),
    path("<int:pk>/options/add/", views.option_add, name="option_add"),
    path("<int:pk>/options/<int:option_pk>/remove/", views.option_remove, name="option_remove"),
    path("<int:pk>/freeze/", views.vote_freeze, name="vote_freeze"),
    path("<int:pk>/codes/", views.codes_issue, name="codes_issue"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/open/", views.vote_open, name="vote_open"),
    path("<int:pk>/close/", views.vote_close, name="vote_close"),
    path("<int:pk>/paper/", views.paper_entry, name="paper_entry"),
    path("<int:pk>/paper/<int:batch_pk>/reset/", views.paper_reset, name="paper_reset"),
    path("<int:pk>/count/", views.vote_count, name="vote_count"),
    path("<int:pk>/release/", views.vote_release, name="vote_release"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/projection/", views.projection, name="projection"),
    path("<int:pk>/projection/progress/", views.projection_progress, name="projection_progress"),
    # The voter's pages: public, protected by the one-time code (sent in the POST body only).
    path("v/<int:pk>/", views.voter, name="voter"),
    path("v/<int:pk>/ballot/", views.voter_cast, name="voter_cast"),
]
