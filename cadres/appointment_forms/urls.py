"""The 审批表 pages (views: generate DOCX/PDF, one or a batch) and the LRMX / Word form import
and export pages (import_views)."""

from cadres.appointment_forms import import_views, views

app_name = "appointment_forms"
urlpatterns = [*views.urlpatterns, *import_views.urlpatterns]
