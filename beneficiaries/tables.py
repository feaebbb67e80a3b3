import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Complaint, Household, Registration


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


class DecisionQueueTable(tables.Table):
    """The head's work list: cases waiting for a decision, oldest first."""

    exclude_from_export = ("decide",)

    registered_at = tables.DateTimeColumn(verbose_name=_("Terdaftar"), format="j M Y")
    household = tables.Column(verbose_name=_("Keluarga"), orderable=False)
    village = tables.Column(verbose_name=_("Desa"), accessor="household__village__name")
    district = tables.Column(
        verbose_name=_("Kecamatan"), accessor="household__village__parent__name"
    )
    basis = tables.Column(verbose_name=_("Dasar tersedia"), empty_values=(), orderable=False)
    proposed = tables.Column(
        verbose_name=_("Usulan"), accessor="visit__proposed_grade", orderable=False
    )
    decide = tables.TemplateColumn(
        verbose_name="",
        template_code=(
            '{% load i18n %}<a class="btn btn-sm btn-primary" '
            "href=\"{% url 'beneficiaries:decide' record.pk %}\">{% translate 'Putuskan' %}</a>"
        ),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Registration
        fields = ("registered_at", "household", "village", "district", "basis", "proposed")
        attrs = {"class": "table table-sm table-striped"}
        row_attrs = {"data-testid": "queue-row"}
        empty_text = _("Antrean kosong.")

    def value_registered_at(self, value):
        return timezone.localdate(value)

    def render_basis(self, record):
        if record.matched_national_list:
            return _("Daftar nasional")
        visit = getattr(record, "visit", None)
        if visit is None or visit.criteria_set is None:
            return "—"
        return _("Survei: %(met)d/%(total)d (ambang %(min)d)") % {
            "met": visit.met_count,
            "total": getattr(record, "criteria_total", None) or visit.criteria_set.items.count(),
            "min": visit.criteria_set.min_met,
        }

    def value_basis(self, record):
        return self.render_basis(record)

    def render_proposed(self, record):
        return record.visit.get_proposed_grade_display() or "—"

    def value_proposed(self, record):
        return self.render_proposed(record)
