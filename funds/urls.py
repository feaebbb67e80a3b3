from django.urls import path

from funds import views

app_name = "funds"
urlpatterns = [
    path("", views.fund_list, name="list"),
    path("dana/baru/", views.fund_new, name="fund_new"),
    path("dana/<slug:code>/", views.fund_detail, name="fund"),
    path("dana/<slug:code>/ubah/", views.fund_edit, name="fund_edit"),
    path("tempat-uang/<slug:code>/ubah/", views.location_edit, name="location_edit"),
    path("batas-porsi/", views.share_limits, name="share_limits"),
    path("transaksi/<int:pk>/", views.transaction_detail, name="transaction"),
    path("transaksi/<int:pk>/balik/", views.transaction_reverse_view, name="transaction_reverse"),
    path("penerimaan/baru/", views.contribution_new, name="contribution_new"),
    path("pemindahan/baru/", views.transfer_new, name="transfer_new"),
    path("periode/", views.period_list, name="periods"),
    path("rekonsiliasi/", views.reconciliation_list, name="reconciliation"),
    path("rekonsiliasi/<int:pk>/", views.statement_detail, name="statement"),
    path(
        "rekonsiliasi/<int:pk>/otomatis/", views.statement_auto_match, name="statement_auto_match"
    ),
    path("rekonsiliasi/cocok/<int:pk>/hapus/", views.match_delete, name="match_delete"),
    path("laporan/", views.statements, name="statements"),
    path("laporan/pdf/", views.statements_pdf, name="statements_pdf"),
]
