from django.urls import path

from beneficiaries import views

app_name = "beneficiaries"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.household, name="household"),
    path("<int:pk>/tampilkan/", views.household_reveal_view, name="household_reveal"),
    path("<int:pk>/anggota/", views.member_add_view, name="member_add"),
    path("<int:pk>/surat-darurat/", views.letter_create, name="letter_create"),
    path("statistik/", views.statistics, name="statistics"),
    path("loket/", views.desk, name="desk"),
    path("kunjungan/", views.worklist, name="worklist"),
    path("kunjungan/<int:pk>/", views.visit, name="visit"),
    path("kunjungan/<int:pk>/foto/", views.visit_photo_add_view, name="visit_photo_add"),
    path("foto/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("keputusan/", views.decision_queue_view, name="decision_queue"),
    path("keputusan/<int:pk>/", views.decide, name="decide"),
    path("kartu/<int:pk>/pdf/", views.card_pdf, name="card_pdf"),
    path("surat/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("cek/<str:token>/", views.check, name="check"),
    path("impor/", views.import_upload, name="import_upload"),
    path("impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("verifikasi-ulang/", views.campaigns, name="campaigns"),
    path("verifikasi-ulang/<int:pk>/", views.campaign, name="campaign"),
    path("verifikasi-ulang/<int:pk>/tambah/", views.campaign_add, name="campaign_add"),
    path("verifikasi-ulang/butir/<int:pk>/", views.campaign_item, name="campaign_item"),
    path("pengaduan/", views.complaint_list, name="complaint_list"),
    path("pengaduan/baru/", views.complaint_create, name="complaint_create"),
    path("pengaduan/<int:pk>/", views.complaint, name="complaint"),
    path("pengaduan/<int:pk>/kontak/", views.complaint_contact, name="complaint_contact"),
    path("pengaduan-publik/", views.complaint_public, name="complaint_public"),
    path("pengaduan-publik/lacak/", views.complaint_track, name="complaint_track"),
]
