import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Complaint, Household


class HouseholdTable(tables.Table):
    kk = tables.Column(
        verbose_name=_("Nomor KK"),
        accessor="kk_masked",
        linkify=("beneficiaries:household", {"pk": tables.A("pk")}),
        orderable=False,
    )
    village = tables.Column(verbose_name=_("Desa/kelurahan"), accessor="village__name")
    district = tables.Column(verbose_name=_("Kecamatan"), accessor="village__parent__name")
    rt = tables.Column(verbose_name=_("RT"))
    rw = tables.Column(verbose_name=_("RW"))
    members = tables.Column(verbose_name=_("Anggota"))
    list_source = tables.Column(verbose_name=_("Daftar nasional"))
    decile = tables.Column(verbose_name=_("Desil"))
    grade = tables.Column(verbose_name=_("Tingkat"))

    class Meta:
        model = Household
        fields = (
            "kk",
            "village",
            "district",
            "rt",
            "rw",
            "members",
            "list_source",
            "decile",
            "grade",
        )
        attrs = {"class": "table table-sm table-striped"}


class ComplaintTable(tables.Table):
    reference = tables.Column(
        verbose_name=_("Nomor"), linkify=("beneficiaries:complaint", {"pk": tables.A("pk")})
    )
    kind = tables.Column(verbose_name=_("Jenis"))
    channel = tables.Column(verbose_name=_("Jalur"))
    received_at = tables.DateTimeColumn(verbose_name=_("Diterima"), format="j M Y")
    due_on = tables.DateColumn(verbose_name=_("Batas jawab"), format="j M Y")
    assigned_to = tables.Column(verbose_name=_("Petugas"))
    state = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)

    class Meta:
        model = Complaint
        fields = ("reference", "kind", "channel", "received_at", "due_on", "assigned_to", "state")
        attrs = {"class": "table table-sm table-striped"}
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue() else ""}

    def render_state(self, record):
        if record.is_answered:
            return _("Dijawab")
        return _("TERLAMBAT") if record.is_overdue() else _("Terbuka")

    def value_state(self, record):
        return self.render_state(record)
