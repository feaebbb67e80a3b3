import json

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry


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

    def render_changes(self, value):
        return json.dumps(value, ensure_ascii=False)[:300] if value else "—"

    def value_changes(self, value):
        return json.dumps(value, ensure_ascii=False) if value else ""
