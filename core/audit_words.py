"""The audit trail in people's words: "Sumbangan dicatat", not `donors.contribution.recorded`.

An action is `<app>.<object>.<verb>`; the object and the verb are worded
here, so that an action another app adds later reads well without a change
(an unknown word is shown with its underscores turned into spaces).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

OBJECTS = {
    "campaign": _("Verifikasi ulang"),
    "card": _("Kartu"),
    "complaint": _("Pengaduan"),
    "household": _("Rumah tangga"),
    "import": _("Impor daftar nasional"),
    "letter": _("Surat rekomendasi darurat"),
    "member": _("Anggota keluarga"),
    "registration": _("Pendaftaran"),
    "visit": _("Kunjungan rumah"),
    "organisation": _("Profil organisasi"),
    "user": _("Pengguna"),
    "contribution": _("Sumbangan"),
    "donor": _("Donatur"),
    "enrolment": _("Kepesertaan skema"),
    "opd": _("OPD"),
    "payroll_import": _("Impor potongan gaji"),
    "scheme": _("Skema iuran"),
    "scheme_rate": _("Tarif skema"),
    "commitment": _("Komitmen"),
    "fund": _("Dana"),
    "location": _("Tempat uang"),
    "period": _("Periode"),
    "statement": _("Rekening koran/laporan"),
    "transaction": _("Transaksi"),
}
VERBS = {
    "created": _("dibuat"),
    "updated": _("diubah"),
    "recorded": _("dicatat"),
    "reversed": _("dibatalkan"),
    "committed": _("dibukukan"),
    "checked": _("diperiksa"),
    "issued": _("diterbitkan"),
    "filed": _("diajukan"),
    "assigned": _("ditugaskan"),
    "answered": _("dijawab"),
    "added": _("ditambahkan"),
    "opened": _("dibuka"),
    "closed": _("ditutup"),
    "decided": _("diputuskan"),
    "submitted": _("dikirim"),
    "merged": _("digabung"),
    "merged_away": _("digabung ke donatur lain"),
    "ended": _("diakhiri"),
    "paid": _("dibayar"),
    "released": _("dilepas"),
    "posted": _("dibukukan"),
    "signed": _("disahkan"),
    "imported": _("diimpor"),
    "matched": _("dicocokkan"),
    "auto_matched": _("dicocokkan otomatis"),
    "unmatched": _("pencocokan dibatalkan"),
    "moved_out": _("pindah keluar"),
    "kk_viewed": _("KK dan alamat lengkap dilihat"),
    "nik_viewed": _("NIK lengkap dilihat"),
    "photo_added": _("foto ditambahkan"),
    "household_added": _("rumah tangga ditambahkan"),
    "item_recorded": _("penilaian dicatat"),
    "roles_changed": _("peran diubah"),
    "created_from_payroll": _("dibuat dari impor potongan gaji"),
    "invited": _("diundang"),
    "role_granted": _("diberi peran"),
    "role_revoked": _("dicabut perannya"),
    "deactivated": _("dinonaktifkan"),
    "reactivated": _("diaktifkan kembali"),
    "mfa_reset": _("verifikasi dua langkahnya diatur ulang"),
}
# Field names of the changes, where the code's own name would read as English.
FIELDS = {
    "role": _("peran"),
    "roles": _("peran"),
    "email": _("e-mail"),
    "full_name": _("nama lengkap"),
    "is_active": _("aktif"),
    "sessions_ended": _("sesi yang diakhiri"),
    "authenticators": _("autentikator"),
}


def _plain(word: str) -> str:
    return word.replace("_", " ")


def action_words(action: str) -> str:
    """Return an audit action as a short sentence: "Sumbangan dicatat"."""
    parts = action.split(".")
    if len(parts) < 3:
        return _plain(action)
    obj, verb = parts[-2], parts[-1]
    return f"{OBJECTS.get(obj, _plain(obj).capitalize())} {VERBS.get(verb, _plain(verb))}"


def change_rows(changes) -> list[tuple[str, str, str]]:
    """Return (field, before, after) rows; a value without a before is shown as after only."""
    if not isinstance(changes, dict):
        return []
    rows = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            before, after = value
        else:
            before, after = None, value
        label = FIELDS.get(str(field), _plain(str(field)))
        if str(field) in ("role", "roles"):
            before, after = _role_names(before), _role_names(after)
        rows.append((str(label), _show(before), _show(after)))
    return rows


def _role_names(value):
    """Return role codes as their names: "Bendahara", not `treasurer`."""
    from core.roles import Role

    names = dict(Role.choices)
    if isinstance(value, list):
        return ", ".join(str(names.get(v, v)) for v in value) or None
    return str(names.get(value, value)) if value else value


def _show(value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)
