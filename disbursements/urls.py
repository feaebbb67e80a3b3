from django.urls import path

from disbursements import views

app_name = "disbursements"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("baru/", views.request_new, name="new"),
    path("periksa/", views.request_check, name="check"),
    path("persetujuan/", views.approval_queue, name="approvals"),
    path("pembayaran/", views.payment_queue, name="payments"),
    path("program/", views.programme_dashboard, name="dashboard"),
    path("cakupan/", views.coverage, name="coverage"),
    path("rumah-tangga/<int:pk>/", views.household_history, name="household"),
    path("<int:pk>/", views.request_detail, name="request"),
    path("<int:pk>/setujui/", views.request_approve, name="approve"),
    path("<int:pk>/tolak/", views.request_reject, name="reject"),
    path("<int:pk>/batal/", views.request_cancel, name="cancel"),
    path("<int:pk>/koreksi/", views.request_reverse, name="reverse"),
    path("<int:pk>/bayar/", views.request_pay, name="pay"),
    path("<int:pk>/bukti/", views.evidence_upload, name="evidence"),
    path("bukti/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/selesai/", views.request_close, name="close"),
    path("<int:pk>/spm/", views.request_spm, name="spm"),
    path("<int:pk>/bast/", views.request_bast, name="bast"),
    path("cek/<str:token>/", views.public_check, name="public_check"),
    path("batch/", views.batch_new, name="batch_new"),
    path("batch/<int:pk>/", views.batch_detail, name="batch"),
    path("batch/<int:pk>/setujui/", views.batch_approve_view, name="batch_approve"),
    path("batch/<int:pk>/bayar/", views.batch_pay_view, name="batch_pay"),
]
