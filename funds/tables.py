import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.money import format_rupiah


class RupiahColumn(tables.Column):
    attrs = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}

    def render(self, value):
        return format_rupiah(value)

    def value(self, value):
        return value


class FundTable(tables.Table):
    name = tables.Column(
        accessor="fund__name",
        verbose_name=_("Dana"),
        linkify=lambda record: reverse("funds:fund", kwargs={"code": record.fund.code}),
    )
    code = tables.Column(accessor="fund__code", verbose_name=_("Kode"))
    restriction = tables.Column(
        accessor="fund__get_restriction_display", verbose_name=_("Pembatasan")
    )
    balance = RupiahColumn(verbose_name=_("Saldo"))
    committed = RupiahColumn(verbose_name=_("Komitmen"))
    available = RupiahColumn(verbose_name=_("Tersedia"))

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-striped"}


class PostingTable(tables.Table):
    sequence = tables.Column(
        accessor="transaction__sequence",
        verbose_name=_("No."),
        linkify=("funds:transaction", {"pk": tables.A("transaction_id")}),
    )
    date = tables.DateColumn(accessor="transaction__date", verbose_name=_("Tanggal"))
    kind = tables.Column(accessor="transaction__get_kind_display", verbose_name=_("Jenis"))
    description = tables.Column(accessor="transaction__description", verbose_name=_("Uraian"))
    programme = tables.Column(accessor="transaction__programme", verbose_name=_("Program"))
    incoming = RupiahColumn(accessor="natural_amount", verbose_name=_("Masuk"), empty_values=())
    outgoing = RupiahColumn(accessor="natural_amount", verbose_name=_("Keluar"), empty_values=())
    balance_after = RupiahColumn(verbose_name=_("Saldo"))

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-striped"}

    def render_incoming(self, value):
        return format_rupiah(value) if value > 0 else ""

    def render_outgoing(self, value):
        return format_rupiah(-value) if value < 0 else ""

    def value_incoming(self, value):
        return value if value > 0 else ""

    def value_outgoing(self, value):
        return -value if value < 0 else ""


class TransactionTable(tables.Table):
    sequence = tables.Column(
        verbose_name=_("No."), linkify=("funds:transaction", {"pk": tables.A("pk")})
    )
    date = tables.DateColumn(verbose_name=_("Tanggal"))
    kind = tables.Column(verbose_name=_("Jenis"))
    description = tables.Column(verbose_name=_("Uraian"))

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm"}


class PeriodTable(tables.Table):
    period = tables.Column(accessor="pk", verbose_name=_("Periode"))
    closed_at = tables.DateTimeColumn(verbose_name=_("Ditutup"))
    closed_by = tables.Column(verbose_name=_("Oleh"))
    last_sequence = tables.Column(verbose_name=_("Transaksi terakhir"))

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm"}

    def render_period(self, record):
        return f"{record.month:02d}/{record.year}"

    def value_period(self, record):
        return f"{record.month:02d}/{record.year}"
