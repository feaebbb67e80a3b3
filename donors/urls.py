from django.urls import path

from donors import views

app_name = "donors"
urlpatterns = [
    path("", views.donor_index, name="donor_list"),
    path("baru/", views.donor_create, name="donor_create"),
    path("cari/", views.donor_search, name="donor_search"),
    path("<int:pk>/", views.donor_detail, name="donor_detail"),
    path("<int:pk>/ubah/", views.donor_edit, name="donor_edit"),
    path("<int:pk>/gabung/", views.donor_merge, name="donor_merge"),
    path("<int:pk>/kepesertaan/", views.enrolment_create, name="enrolment_create"),
    path("<int:pk>/rekap.pdf", views.donor_statement_pdf, name="statement_pdf"),
    path("opd/", views.opd_index, name="opd_list"),
    path("skema/", views.scheme_index, name="scheme_list"),
    path("skema/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("impor/", views.import_index, name="import_list"),
    path("impor/unggah/", views.import_upload, name="import_upload"),
    path("impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("impor/<int:pk>/bukukan/", views.import_confirm, name="import_confirm"),
    path("impor/<int:pk>/batalkan/", views.import_reverse, name="import_reverse"),
    path("impor/<int:pk>/tanda-terima.pdf", views.import_receipts_pdf, name="import_receipts"),
    path("sumbangan/", views.contribution_index, name="contribution_list"),
    path("sumbangan/baru/", views.gift_create, name="gift_create"),
    path("sumbangan/<int:pk>/", views.contribution_detail, name="contribution_detail"),
    path("sumbangan/<int:pk>/batalkan/", views.contribution_reverse, name="contribution_reverse"),
    path("tanda-terima/<int:pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("cek/<str:token>/", views.receipt_verify, name="receipt_verify"),
    path("tunggakan/", views.arrears, name="arrears"),
    path("saya/", views.my_contributions, name="my"),
]
