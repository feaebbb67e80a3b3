from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sehat/", views.health, name="health"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("audit/", views.audit_list, name="audit"),
    path("organisasi/", views.organisation_edit, name="organisation"),
    path("logo/", views.organisation_logo, name="logo"),
    path("pekerjaan/<int:pk>/", views.job_status, name="job"),
    path("pengguna/", views.user_list, name="users"),
    path("pengguna/undang/", views.user_invite, name="user_invite"),
    path("pengguna/<int:pk>/", views.user_detail, name="user"),
    path("pengguna/<int:pk>/peran/beri/", views.user_role_grant, name="user_role_grant"),
    path("pengguna/<int:pk>/peran/cabut/", views.user_role_revoke, name="user_role_revoke"),
    path("pengguna/<int:pk>/nonaktifkan/", views.user_deactivate, name="user_deactivate"),
    path("pengguna/<int:pk>/aktifkan/", views.user_reactivate, name="user_reactivate"),
    path("pengguna/<int:pk>/atur-ulang-2fa/", views.user_mfa_reset, name="user_mfa_reset"),
]
