from django.urls import path

from transparency import views

app_name = "transparency"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("laporan/", views.report_list, name="report_list"),
    path("laporan/<str:digest>/<str:fmt>", views.report_download, name="report_download"),
    path("periksa/", views.verify, name="verify"),
    path("dokumen/", views.document_check, name="document_check"),
    path("data/", views.open_data, name="open_data"),
    path("data/skema.json", views.open_data_schema, name="open_data_schema"),
    path("terbitkan/", views.publish, name="publish"),
]
