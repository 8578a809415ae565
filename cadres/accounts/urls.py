from django.urls import path

from cadres.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.otp_verify, name="otp_verify"),
    path("two-factor/enroll/", views.otp_enroll, name="otp_enroll"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/unlock/", views.user_login_unlock, name="user_login_unlock"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/two-factor/reset/", views.user_two_factor_reset,
         name="user_two_factor_reset"),
    path("users/<int:pk>/grants/new/", views.grant_create, name="grant_create"),
    path("grants/<int:pk>/", views.grant_update, name="grant_update"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/<int:pk>/", views.role_update, name="role_update"),
    path("dossier/<int:pk>/", views.dossier_open, name="dossier_open"),
]
