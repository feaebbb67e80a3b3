from django.urls import path

from donors import csr_views, views

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

# CSR partner portal, card payments and public giving.
urlpatterns += [
    path("mitra/daftar/", csr_views.PartnerSignupView.as_view(), name="partner_signup"),
    path("mitra/", csr_views.csr_home, name="csr_home"),
    path("mitra/janji/baru/", csr_views.pledge_create, name="pledge_create"),
    path("mitra/janji/<int:pk>/", csr_views.pledge_detail, name="pledge_detail"),
    path("mitra/janji/<int:pk>/ajukan/", csr_views.pledge_submit, name="pledge_submit"),
    path("mitra/janji/<int:pk>/terima/", csr_views.pledge_accept, name="pledge_accept"),
    path("mitra/janji/<int:pk>/batalkan/", csr_views.pledge_cancel, name="pledge_cancel"),
    path("mitra/janji/<int:pk>/bayar/", csr_views.pledge_pay, name="pledge_pay"),
    path("mitra/janji/<int:pk>/transfer/", csr_views.transfer_submit, name="transfer_submit"),
    path("mitra/janji/<int:pk>/laporan/", csr_views.pledge_report, name="pledge_report"),
    path(
        "mitra/janji/<int:pk>/laporan/foto/<int:evidence>/",
        csr_views.impact_photo,
        name="impact_photo",
    ),
    path(
        "mitra/transfer/<int:pk>/konfirmasi/", csr_views.transfer_confirm, name="transfer_confirm"
    ),
    path("mitra/transfer/<int:pk>/tolak/", csr_views.transfer_reject, name="transfer_reject"),
    path("mitra/transfer/<int:pk>/bukti/", csr_views.transfer_proof, name="transfer_proof"),
    path("mitra/barang/<int:pk>/terima/", csr_views.goods_receive, name="goods_receive"),
    path("mitra/barang/<int:pk>/serahkan/", csr_views.goods_hand_on, name="goods_hand_on"),
    path("mitra/barang/<int:pk>/foto/", csr_views.goods_photo, name="goods_photo"),
    path("mitra/serah/<int:pk>/bast.pdf", csr_views.handover_bast, name="handover_bast"),
    path("mitra/serah/foto/<int:pk>/", csr_views.handover_photo, name="handover_photo"),
    path("mitra/<int:pk>/dokumen/", csr_views.partner_document, name="partner_document"),
    path("mitra/<int:pk>/verifikasi/", csr_views.partner_verify, name="partner_verify"),
    path("mitra/<int:pk>/laporan/", csr_views.partner_report, name="partner_report"),
    path("mitra/tanda-terima/<int:pk>.pdf", csr_views.partner_receipt, name="partner_receipt"),
    path("mitra/gateway/", csr_views.movement_list, name="movement_list"),
    path("mitra/gateway/<int:pk>/", csr_views.movement_detail, name="movement_detail"),
    path("mitra/gateway/<int:pk>/bukukan/", csr_views.movement_book, name="movement_book"),
    path("mitra/gateway/<int:pk>/usulkan/", csr_views.movement_propose, name="movement_propose"),
    path("mitra/gateway/<int:pk>/setujui/", csr_views.movement_approve, name="movement_approve"),
    path("bayar/<str:token>/", csr_views.payment_page, name="payment_page"),
    path("bayar/<str:token>/status/", csr_views.payment_api, name="payment_api"),
    path("donasi/", csr_views.public_giving, name="public_giving"),
    # Unnamed on purpose: Stripe posts here unsigned-in; the URL walk in
    # tests/core/test_url_access.py cannot sign, tests/donors/test_webhook.py does.
    path("stripe/webhook/", csr_views.stripe_webhook),
]
