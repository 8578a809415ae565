from django.apps import AppConfig


class AppointmentFormsConfig(AppConfig):
    name = "cadres.appointment_forms"
    label = "appointment_forms"
    verbose_name = "干部任免审批表"
