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
]
