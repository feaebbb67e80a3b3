import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.money import format_rupiah
from donors.models import Contribution, Donor, GatewayMovement, Opd, PayrollImport


class RupiahColumn(tables.Column):
    attrs = {"td": {"class": "text-end"}}

    def render(self, value):
        return format_rupiah(value)

    def value(self, value):
        return value


class DonorTable(tables.Table):
    name = tables.LinkColumn("donors:donor_detail", args=[tables.A("pk")], verbose_name=_("Nama"))
    nip = tables.Column(verbose_name=_("NIP"))
    kind = tables.Column(verbose_name=_("Jenis"))
    position = tables.Column(verbose_name=_("Eselon/jabatan"))
    opd = tables.Column(accessor="opd__code", verbose_name=_("OPD"))
    display = tables.Column(verbose_name=_("Tampil sebagai"))

    class Meta:
        model = Donor
        fields = ("name", "nip", "kind", "position", "opd", "display")
        order_by = ("name",)


class OpdTable(tables.Table):
    class Meta:
        model = Opd
        fields = ("code", "name", "is_active")


class PayrollImportTable(tables.Table):
    period = tables.DateColumn(format="m/Y", verbose_name=_("Bulan"))
    opd = tables.Column(accessor="opd__code", verbose_name=_("OPD"))
    filename = tables.LinkColumn(
        "donors:import_detail", args=[tables.A("pk")], verbose_name=_("Berkas")
    )
    status = tables.Column(verbose_name=_("Status"))
    row_count = tables.Column(verbose_name=_("Baris"))
    total_amount = RupiahColumn(verbose_name=_("Total"))

    class Meta:
        model = PayrollImport
        fields = ("period", "opd", "filename", "status", "row_count", "total_amount")


class ContributionTable(tables.Table):
    date = tables.DateColumn(format="j M Y", verbose_name=_("Tanggal"))
    donor = tables.Column(accessor="donor__name", verbose_name=_("Donatur"))
    nip = tables.Column(accessor="donor__nip", verbose_name=_("NIP"))
    channel = tables.Column(verbose_name=_("Cara"))
    fund = tables.Column(accessor="fund__name", verbose_name=_("Dana"))
    amount = RupiahColumn(verbose_name=_("Jumlah"))
    receipt = tables.Column(
        accessor="receipt__code", verbose_name=_("Tanda terima"), orderable=False
    )
    payroll_import = tables.Column(
        accessor="payroll_import", verbose_name=_("Impor"), orderable=False
    )
    flag = tables.Column(verbose_name=_("Catatan"))
    status = tables.Column(verbose_name=_("Status"))
    detail = tables.Column(accessor="pk", verbose_name="", orderable=False)
    exclude_from_export = ("detail",)

    class Meta:
        model = Contribution
        fields = (
            "date",
            "donor",
            "nip",
            "channel",
            "fund",
            "amount",
            "receipt",
            "payroll_import",
            "flag",
            "status",
        )

    def render_detail(self, value):
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>', reverse("donors:contribution_detail", args=[value]), _("Rincian")
        )


class GatewayMovementTable(tables.Table):
    stripe_id = tables.LinkColumn(
        "donors:movement_detail", args=[tables.A("pk")], verbose_name=_("Stripe")
    )
    kind = tables.Column(verbose_name=_("Jenis"))
    payment = tables.Column(accessor="payment__donor__name", verbose_name=_("Pemberi"))
    fund = tables.Column(accessor="payment__fund__name", verbose_name=_("Dana"))
    amount = RupiahColumn(verbose_name=_("Jumlah"))
    status = tables.Column(verbose_name=_("Status"))
    created_at = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name=_("Diterima"))

    class Meta:
        model = GatewayMovement
        fields = ("stripe_id", "kind", "payment", "fund", "amount", "status", "created_at")
        order_by = ("-created_at",)
