import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.templatetags.kenanga import cell_kind
from funds.tables import RupiahColumn


class RequestTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Nomor"), linkify=("disbursements:request", {"pk": tables.A("pk")})
    )
    requested_at = tables.DateColumn(verbose_name=_("Diajukan"), format="j M Y")
    programme = tables.Column(accessor="programme__name", verbose_name=_("Program"))
    desa = tables.Column(accessor="household__village__name", verbose_name=_("Desa"))
    household = tables.Column(
        accessor="household_id",
        verbose_name=_("Rumah tangga"),
        linkify=("disbursements:household", {"pk": tables.A("household_id")}),
    )
    fund = tables.Column(accessor="fund__name", verbose_name=_("Dana"))
    amount = RupiahColumn(verbose_name=_("Jumlah"))
    paid_amount = RupiahColumn(verbose_name=_("Dibayar"))
    status = tables.Column(accessor="get_status_display", verbose_name=_("Status"))

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-striped"}

    def render_household(self, value):
        return _("Riwayat #%(n)s") % {"n": value}

    def value_household(self, value):
        return value


class CoverageTable(tables.Table):
    desa = tables.Column(verbose_name=_("Kode desa"))
    desa_name = tables.Column(verbose_name=_("Desa"))
    kecamatan_name = tables.Column(verbose_name=_("Kecamatan"))
    eligible = tables.Column(verbose_name=_("Rumah tangga layak"))
    served = tables.Column(verbose_name=_("Sudah dibantu"))
    unserved = tables.Column(
        verbose_name=_("Belum dibantu sama sekali"),
        linkify=lambda record: "?desa={}#belum".format(record["desa"]),
    )
    amount = RupiahColumn(verbose_name=_("Bantuan diterima desa"))

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-striped"}

    # Its rows are written out in disbursements/coverage_table.html: the library's
    # work per cell (attributes, header, a signature check) was most of the page's CPU.
    @cached_property
    def cell_attrs(self) -> dict[str, str]:
        """Return each column's <td> attributes as includes/table.html writes them, once a page."""
        return {
            column.name: format_html(
                '{} data-label="{}"{}',
                column.attrs["td"].as_html(),
                column.header,
                format_html(' data-kind="{}"', kind) if (kind := cell_kind(column)) else "",
            )
            for column in self.columns
        }


class UnservedTable(tables.Table):
    pk = tables.Column(
        verbose_name=_("Rumah tangga"),
        linkify=("beneficiaries:household", {"pk": tables.A("pk")}),
    )
    village = tables.Column(accessor="village__name", verbose_name=_("Desa"))
    grade = tables.Column(accessor="get_grade_display", verbose_name=_("Tingkat"))
    rt = tables.Column(verbose_name=_("RT"))
    rw = tables.Column(verbose_name=_("RW"))

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-striped"}
