"""The programme codes shipped with Kenanga (domain.md, "Help paid in the field").

The ledger checks every programme code against the registry; these are the
codes present from the first migration on. Their rules live in the
disbursements app.
"""

from __future__ import annotations

SHIPPED = [
    ("rtlh", "Rehabilitasi rumah tidak layak huni (RTLH)"),
    ("kesehatan", "Bantuan kesehatan (obat dan biaya rumah sakit)"),
    ("pendidikan", "Bantuan kebutuhan sekolah"),
    ("lansia", "Bantuan lanjut usia"),
    ("darurat", "Bantuan keadaan darurat"),
]


def load_programmes(Programme, using: str = "default") -> None:
    """Register the shipped programme codes that are missing; safe to repeat."""
    for code, name in SHIPPED:
        Programme.objects.using(using).get_or_create(code=code, defaults={"name": name})
