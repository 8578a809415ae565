"""The pages of a case's 公开选拔 or 竞争上岗 (namespace "cases")."""

from django.urls import URLPattern, path

from cadres.cases import competition_views as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/competition/", views.competition_detail, name="competition_detail"),
    path("<int:pk>/competition/create/", views.competition_create, name="competition_create"),
    path("<int:pk>/competition/posts/add/", views.competition_post_add, name="competition_post_add"),
    path("<int:pk>/competition/register/", views.applicant_register, name="competition_register"),
    path("<int:pk>/competition/review/", views.applicant_review_list, name="competition_review"),
    path("<int:pk>/competition/review/all/", views.applicant_review_all, name="competition_review_all"),
    path("<int:pk>/competition/scores/", views.scores_entry, name="competition_scores"),
    path("<int:pk>/competition/scores/template.xlsx", views.scores_template, name="competition_scores_template"),
    path("<int:pk>/competition/scores/import/", views.scores_import, name="competition_scores_import"),
    path("<int:pk>/competition/ranking/", views.ranking, name="competition_ranking"),
    path("<int:pk>/competition/rank/", views.competition_rank, name="competition_rank"),
    path("<int:pk>/competition/conclude/", views.competition_conclude, name="competition_conclude"),
    path("applicants/<int:pk>/review/", views.applicant_review, name="applicant_review"),
    path("applicants/<int:pk>/drop/", views.applicant_drop, name="applicant_drop"),
]
