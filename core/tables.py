import json

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_tables2.paginators import LazyPaginator

from core.audit_words import action_words, change_rows
from core.models import AuditEntry, User
from core.roles import Role


class RequestConfig(tables.RequestConfig):
    """Configure a table from the request, bounding what the client may ask for.

    django-tables2 takes `per_page` from the query string as given: `-1` broke
    the page (500) and `10000000` would render a whole table at once. Here a
    page holds 1 to MAX_PER_PAGE rows and a page number that is not one shows
    the first (or last) page. Every list uses this class instead of the
    library's.
    """

    MAX_PER_PAGE = 200
    MAX_LAZY_PAGE = 1_000_000

    def configure(self, table):
        table.request = self.request
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        if not self.paginate:
            return table
        kwargs = dict(self.paginate) if hasattr(self.paginate, "items") else {}
        kwargs.pop("silent", None)
        # `lazy`: a list that grows with the years (gifts, postings, the audit trail)
        # is paged without counting its rows: COUNT(*) over 350.000 gifts cost more
        # than the page itself. The pager then offers the next page when there is one.
        lazy = kwargs.pop("lazy", False)
        if lazy:
            kwargs["paginator_class"] = LazyPaginator
        page = self._number(table.prefixed_page_field)
        if page is not None:
            # Without a count nothing stops a page number whose offset overflows the
            # database's integers: far past any list, it shows the first page.
            kwargs["page"] = max(page, 1) if not lazy or page <= self.MAX_LAZY_PAGE else 1
        per_page = self._number(table.prefixed_per_page_field)
        if per_page is not None:
            kwargs["per_page"] = min(max(per_page, 1), self.MAX_PER_PAGE)
        try:
            table.paginate(**kwargs)
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:
            # Without a count the last page is not known: a page past the end shows the first.
            table.page = table.paginator.page(1 if lazy else table.paginator.num_pages)
        return table

    def _number(self, name: str) -> int | None:
        try:
            return int(self.request.GET[name])
        except (KeyError, ValueError):
            return None


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("Waktu"), format="j M Y H:i:s")
    actor_label = tables.Column(verbose_name=_("Pelaku"))
    action = tables.Column(verbose_name=_("Tindakan"))
    object_type = tables.Column(verbose_name=_("Jenis objek"))
    object_id = tables.Column(verbose_name=_("ID"))
    object_repr = tables.Column(verbose_name=_("Objek"))
    changes = tables.Column(verbose_name=_("Perubahan"), orderable=False)
    ip_address = tables.Column(verbose_name=_("IP"))

    class Meta:
        model = AuditEntry
        fields = (
            "at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "ip_address",
        )
        order_by = ("-at",)

    def render_action(self, value):
        return action_words(value)

    def value_action(self, value):
        # Exports keep the exact code, which auditors filter and count on.
        return value

    def render_changes(self, value):
        """Show what changed as a small before/after table in people's words."""
        rows = change_rows(value)
        if not rows:
            return "—"
        return format_html(
            '<table class="table table-sm table-borderless mb-0 small audit-changes">'
            "<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Isian"),
            _("Sebelum"),
            _("Sesudah"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((f, b[:80], a[:80]) for f, b, a in rows),
            ),
        )

    def value_changes(self, value):
        return json.dumps(value, ensure_ascii=False) if value else ""


class UserTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Nama"), linkify=("core:user", {"pk": tables.A("pk")}))
    email = tables.Column(verbose_name=_("E-mail"))
    roles = tables.Column(verbose_name=_("Peran"), accessor="pk", orderable=False, empty_values=())
    has_totp = tables.BooleanColumn(verbose_name=_("Verifikasi dua langkah"))
    last_login = tables.DateTimeColumn(verbose_name=_("Terakhir masuk"), format="j M Y H:i")
    is_active = tables.BooleanColumn(verbose_name=_("Aktif"))

    class Meta:
        model = User
        fields = ("full_name", "email", "roles", "has_totp", "last_login", "is_active")
        order_by = ("full_name",)
        empty_text = _("Tidak ada pengguna yang cocok. Ubah saringan, atau undang pengguna baru.")

    @staticmethod
    def _role_names(record) -> list[str]:
        names = dict(Role.choices)
        return [str(names.get(a.role, a.role)) for a in record.role_assignments.all()]

    def render_full_name(self, value, record):
        return value or record.email

    def render_roles(self, record):
        return ", ".join(self._role_names(record)) or "—"

    def value_roles(self, record):
        return ", ".join(self._role_names(record))

    def render_has_totp(self, value):
        return _yes_no_badge(value, _("Terpasang"), _("Belum"))

    def value_has_totp(self, value):
        return str(_("ya") if value else _("tidak"))

    def render_is_active(self, value):
        return _yes_no_badge(value, _("Aktif"), _("Nonaktif"))

    def value_is_active(self, value):
        return str(_("ya") if value else _("tidak"))


def _yes_no_badge(value, yes, no):
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        "success" if value else "secondary",
        yes if value else no,
    )
