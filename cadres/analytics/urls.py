from django.urls import path

from cadres.analytics import views

app_name = "analytics"
urlpatterns = [
    path("structure/", views.structure, name="structure"),
    path("structure/export.xlsx", views.structure_export_xlsx, name="structure_xlsx"),
    path("structure/export.docx", views.structure_export_docx, name="structure_docx"),
]
