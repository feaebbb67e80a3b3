"""Every change to households, members, visits, decisions, cards and complaints."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import (
    Basis,
    Campaign,
    CampaignItem,
    Card,
    Complaint,
    CriteriaSet,
    Decision,
    EmergencyLetter,
    Grade,
    HomeVisit,
    Household,
    Membership,
    Person,
    Region,
    Registration,
    VisitPhoto,
)
from core.audit import audit_log
from core.crypto import keyed_hash
from core.identity import IdentityError, parse_nik, validate_kk
from core.roles import Role
from core.uploads import IMAGE_KINDS, stored_file_save

CARD_GRADES = (Grade.VERY_POOR, Grade.POOR, Grade.NEAR_POOR)


def _placeholder() -> str:
    # Numbers are made from the primary key just after insert; until then a
    # unique placeholder that fits every number column (20 characters).
    return "tmp" + uuid.uuid4().hex[:17]


def complaint_days() -> int:
    """Return how many days the unit has to answer a complaint (setting, default 14)."""
    return int(getattr(settings, "KENANGA_COMPLAINT_DAYS", 14))


# --- identity -------------------------------------------------------------------
def nik_hash(nik: str) -> str:
    return keyed_hash(nik, purpose="nik")


def kk_hash(kk: str) -> str:
    return keyed_hash(kk, purpose="kk")


def region_code_dotted(code: str) -> str:
    """Turn `3314012001` or `33.14.01.2001` into the dotted Kemendagri form."""
    digits = "".join(ch for ch in str(code) if ch.isdigit())
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)


def nik_check(nik: str, *, known_districts: set[str] | None = None) -> tuple[str, str]:
    """Validate a NIK; return (clean NIK, warning). Unknown region: warn, never refuse."""
    try:
        info = parse_nik(nik)
    except IdentityError as exc:
        raise BeneficiaryError(str(exc)) from None
    district = region_code_dotted(info.region_code)
    if known_districts is not None:
        known = district in known_districts
    else:
        known = Region.objects.filter(code=district).exists()
    warning = "" if known else _("Kode wilayah NIK %(code)s tidak dikenal.") % {"code": district}
    return info.nik, warning


def kk_check(kk: str) -> str:
    try:
        return validate_kk(kk)
    except IdentityError as exc:
        raise BeneficiaryError(str(exc)) from None


def village_get(code: str) -> Region:
    dotted = region_code_dotted(code)
    village = Region.objects.filter(code=dotted, level=Region.Level.VILLAGE).first()
    if village is None:
        raise BeneficiaryError(
            _("Kode desa/kelurahan %(code)s tidak ada dalam data wilayah.") % {"code": code}
        )
    return village


# --- members ---------------------------------------------------------------------
def _person_upsert(*, nik: str, name: str, sex: str, birth_date: dt.date, **extra) -> Person:
    person = Person.objects.filter(nik_hash=nik_hash(nik)).first()
    if person is None:
        person = Person.objects.create(
            nik=nik, nik_hash=nik_hash(nik), name=name, sex=sex, birth_date=birth_date, **extra
        )
    return person


@transaction.atomic
def member_add(
    *,
    household: Household,
    nik: str,
    name: str,
    sex: str,
    birth_date: dt.date,
    relation: str,
    actor,
    school_level: str = "",
    disability: str = "",
    health_notes: str = "",
    move: bool = False,
    on: dt.date | None = None,
) -> Membership:
    """Add a person to a household; with `move`, end their active membership elsewhere."""
    on = on or timezone.localdate()
    nik, _warning = nik_check(nik)
    if not name.strip():
        raise BeneficiaryError(_("Nama wajib diisi."))
    person = Person.objects.select_for_update().filter(nik_hash=nik_hash(nik)).first()
    if person is not None:
        active = person.memberships.filter(ended_on__isnull=True).select_related("household")
        current = active.first()
        if current is not None and current.household_id == household.pk:
            raise BeneficiaryError(_("Orang ini sudah menjadi anggota keluarga ini."))
        if current is not None and not move:
            raise BeneficiaryError(
                _(
                    "NIK %(nik)s masih anggota aktif %(kk)s. Pilih 'pindah' untuk memindahkannya; "
                    "riwayatnya tetap tersimpan."
                )
                % {"nik": person.nik_masked, "kk": current.household}
            )
        if current is not None:
            current.ended_on = on
            current.save(update_fields=["ended_on"])
            audit_log(
                current,
                "beneficiaries.member.moved_out",
                actor=actor,
                changes={"household": current.household_id, "ended_on": on},
            )
    else:
        person = Person.objects.create(
            nik=nik,
            nik_hash=nik_hash(nik),
            name=name.strip(),
            sex=sex,
            birth_date=birth_date,
            school_level=school_level,
            disability=disability,
            health_notes=health_notes,
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                household=household, person=person, relation=relation, started_on=on
            )
    except IntegrityError:
        raise BeneficiaryError(_("Orang ini sudah menjadi anggota aktif keluarga lain.")) from None
    audit_log(
        membership,
        "beneficiaries.member.added",
        actor=actor,
        changes={"household": household.pk, "relation": relation, "moved": bool(move)},
    )
    return membership


# --- registration desk -------------------------------------------------------------
def registration_match(*, kk_number: str = "", head_nik: str = "") -> Household | None:
    """Return the registry household matching a KK number or a member's NIK, if any."""
    if kk_number:
        household = Household.objects.filter(kk_hash=kk_hash(kk_number)).first()
        if household:
            return household
    if head_nik:
        membership = (
            Membership.objects.filter(person__nik_hash=nik_hash(head_nik), ended_on__isnull=True)
            .select_related("household")
            .first()
        )
        if membership:
            return membership.household
    return None


@transaction.atomic
def household_register(
    *,
    kk_number: str,
    village_code: str,
    street_address: str,
    rt: str,
    rw: str,
    phone: str,
    head_nik: str,
    head_name: str,
    head_sex: str,
    head_birth_date: dt.date,
    channel: str,
    referrer: str = "",
    need: str = "",
    verifier=None,
    actor,
) -> Registration:
    """Register a family at the desk: match the registry, then assign a visit if not listed."""
    kk_number = kk_check(kk_number)
    head_nik, _warning = nik_check(head_nik)
    household = registration_match(kk_number=kk_number, head_nik=head_nik)
    if household is not None:
        household = Household.objects.select_for_update().get(pk=household.pk)
        if household.registrations.exclude(status=Registration.Status.DECIDED).exists():
            raise BeneficiaryError(
                _("Keluarga ini sudah terdaftar dan masih menunggu kunjungan atau keputusan.")
            )
    else:
        village = village_get(village_code)
        try:
            with transaction.atomic():
                household = Household.objects.create(
                    kk_number=kk_number,
                    kk_hash=kk_hash(kk_number),
                    village=village,
                    street_address=street_address.strip(),
                    rt=rt.strip(),
                    rw=rw.strip(),
                    phone=phone.strip(),
                )
        except IntegrityError:  # the same KK registered at another desk a moment ago
            raise BeneficiaryError(
                _("Nomor KK ini baru saja didaftarkan; cari di registri.")
            ) from None
        audit_log(household, "beneficiaries.household.created", actor=actor)
        member_add(
            household=household,
            nik=head_nik,
            name=head_name,
            sex=head_sex,
            birth_date=head_birth_date,
            relation=Membership.Relation.HEAD,
            actor=actor,
        )
    listed = household.is_listed
    if not listed:
        if verifier is None:
            raise BeneficiaryError(
                _("Keluarga tidak ada di daftar nasional: pilih verifikator untuk kunjungan rumah.")
            )
        if not verifier.has_role(Role.VERIFIER):
            raise BeneficiaryError(_("Petugas yang dipilih bukan verifikator."))
    registration = Registration.objects.create(
        household=household,
        channel=channel,
        referrer=referrer.strip(),
        need=need.strip(),
        matched_national_list=listed,
        status=Registration.Status.AWAITING_DECISION if listed else Registration.Status.VISIT,
        registered_by=actor,
    )
    if not listed:
        HomeVisit.objects.create(registration=registration, verifier=verifier)
    audit_log(
        registration,
        "beneficiaries.registration.created",
        actor=actor,
        changes={
            "household": household.pk,
            "matched_national_list": listed,
            "visit_verifier": getattr(verifier, "pk", None) if not listed else None,
        },
    )
    return registration


# --- home visit ---------------------------------------------------------------------
@transaction.atomic
def visit_submit(
    *,
    visit: HomeVisit,
    criteria_set: CriteriaSet,
    met: Iterable[int],
    narrative: str,
    proposed_grade: str,
    visited_on: dt.date,
    actor,
) -> HomeVisit:
    """Record the verifier's findings and send the case to the decision queue."""
    visit = HomeVisit.objects.select_for_update().select_related("registration").get(pk=visit.pk)
    if visit.verifier_id != actor.pk:
        raise BeneficiaryError(
            _("Hanya verifikator yang ditugaskan yang dapat melaporkan kunjungan.")
        )
    if visit.status != HomeVisit.Status.ASSIGNED:
        raise BeneficiaryError(_("Kunjungan ini sudah dilaporkan."))
    if visited_on > timezone.localdate():
        raise BeneficiaryError(_("Tanggal kunjungan tidak boleh di masa depan."))
    if not narrative.strip():
        raise BeneficiaryError(_("Uraian hasil kunjungan wajib diisi."))
    orders = set(criteria_set.items.values_list("order", flat=True))
    met = sorted({int(m) for m in met})
    if not set(met) <= orders:
        raise BeneficiaryError(_("Kriteria yang dipilih tidak ada dalam set kriteria ini."))
    visit.criteria_set = criteria_set
    visit.met, visit.met_count = met, len(met)
    visit.narrative, visit.proposed_grade, visit.visited_on = (
        narrative.strip(),
        proposed_grade,
        visited_on,
    )
    visit.status = HomeVisit.Status.SUBMITTED
    visit.save()
    registration = visit.registration
    registration.status = Registration.Status.AWAITING_DECISION
    registration.save(update_fields=["status"])
    audit_log(
        visit,
        "beneficiaries.visit.submitted",
        actor=actor,
        changes={
            "criteria_set": f"{criteria_set.code} v{criteria_set.version}",
            "met_count": len(met),
            "min_met": criteria_set.min_met,
            "proposed_grade": proposed_grade,
        },
    )
    return visit


@transaction.atomic
def visit_photo_add(
    *, visit: HomeVisit, upload, caption: str, consent_by: str, actor
) -> VisitPhoto:
    """Attach a photo to a visit; refused without the consent of a named person."""
    if visit.verifier_id != actor.pk:
        raise BeneficiaryError(_("Hanya verifikator yang ditugaskan yang dapat menambah foto."))
    if not consent_by.strip():
        raise BeneficiaryError(
            _("Foto hanya boleh disimpan dengan persetujuan: isi nama pemberi izin.")
        )
    try:
        # Re-encoded and encrypted: the file keeps no EXIF and no hidden chunk.
        stored = stored_file_save(
            upload=upload, purpose="beneficiaries.visit_photo", allowed=IMAGE_KINDS, actor=actor
        )
    except ValidationError as exc:
        raise BeneficiaryError(" ".join(exc.messages)) from None
    photo = VisitPhoto.objects.create(
        visit=visit,
        file=stored,
        caption=caption.strip(),
        consent_by=consent_by.strip(),
        uploaded_by=actor,
    )
    audit_log(
        photo, "beneficiaries.visit.photo_added", actor=actor, changes={"consent_by": consent_by}
    )
    return photo


# --- decision, cards, letters -------------------------------------------------------
def _one_year(on: dt.date) -> dt.date:
    try:
        return on.replace(year=on.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return on.replace(year=on.year + 1, day=28)


def _one_month(on: dt.date) -> dt.date:
    year, month = (on.year + 1, 1) if on.month == 12 else (on.year, on.month + 1)
    day = min(on.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) - dt.timedelta(days=1)


@transaction.atomic
def registration_decide(
    *,
    registration: Registration,
    eligible: bool,
    grade: str,
    basis: str,
    basis_reference: str = "",
    note: str = "",
    actor,
    on: dt.date | None = None,
) -> Decision:
    """Decide a registration; an eligible household gets its one-year card."""
    on = on or timezone.localdate()
    registration = (
        Registration.objects.select_for_update().select_related("household").get(pk=registration.pk)
    )
    if registration.status != Registration.Status.AWAITING_DECISION:
        raise BeneficiaryError(_("Hanya pendaftaran yang menunggu keputusan dapat diputuskan."))
    if not actor.has_role(Role.HEAD, Role.VERIFIER):
        raise BeneficiaryError(_("Keputusan diambil oleh kepala UPT atau verifikator kedua."))
    visit = HomeVisit.objects.filter(registration=registration).first()
    if visit is not None and visit.verifier_id == actor.pk:
        raise BeneficiaryError(
            _("Verifikator yang berkunjung tidak boleh memutuskan kunjungannya sendiri.")
        )
    if registration.registered_by_id == actor.pk:
        raise BeneficiaryError(
            _("Petugas yang mendaftarkan tidak boleh memutuskan pendaftarannya sendiri.")
        )
    household = registration.household
    if basis == Basis.NATIONAL_LIST and not household.is_listed:
        raise BeneficiaryError(_("Keluarga ini tidak ada di daftar nasional: pilih dasar lain."))
    if basis == Basis.LOCAL_SURVEY and (
        visit is None or visit.status != HomeVisit.Status.SUBMITTED
    ):
        raise BeneficiaryError(
            _("Belum ada laporan kunjungan rumah sebagai dasar survei lapangan.")
        )
    if basis == Basis.VILLAGE_LETTER and not basis_reference.strip():
        raise BeneficiaryError(_("Isi nomor surat keterangan desa (SKTM) sebagai rujukan dasar."))
    if basis not in Basis.values:
        raise BeneficiaryError(_("Dasar keputusan wajib dipilih."))
    if eligible and grade not in CARD_GRADES:
        raise BeneficiaryError(
            _("Keluarga layak harus bertingkat sangat miskin, miskin atau hampir miskin.")
        )
    if not eligible and not note.strip():
        raise BeneficiaryError(_("Tuliskan alasan bila keluarga dinyatakan tidak layak."))
    decision = Decision.objects.create(
        registration=registration,
        eligible=eligible,
        grade=grade if eligible else Grade.NOT_POOR,
        basis=basis,
        basis_reference=basis_reference.strip(),
        note=note.strip(),
        decided_by=actor,
    )
    registration.status = Registration.Status.DECIDED
    registration.save(update_fields=["status"])
    household.grade = decision.grade
    household.save(update_fields=["grade"])
    audit_log(
        decision,
        "beneficiaries.registration.decided",
        actor=actor,
        changes={
            "eligible": eligible,
            "grade": decision.grade,
            "basis": basis,
            "household": household.pk,
        },
    )
    if eligible:
        card_issue(household=household, grade=grade, decision=decision, actor=actor, on=on)
    return decision


def card_issue(
    *, household: Household, grade: str, actor, decision=None, on: dt.date | None = None
) -> Card:
    """Issue a card valid one year from `on`; a card still running is replaced."""
    on = on or timezone.localdate()
    with transaction.atomic():
        Card.objects.select_for_update().filter(
            household=household, revoked_on__isnull=True, valid_until__gte=on
        ).update(revoked_on=on)
        card = Card.objects.create(
            number=_placeholder(),
            household=household,
            grade=grade,
            valid_from=on,
            valid_until=_one_year(on),
            decision=decision,
            issued_by=actor,
        )
        card.number = f"KS/{on:%Y}/{card.pk:06d}"
        card.save(update_fields=["number"])
        audit_log(
            card,
            "beneficiaries.card.issued",
            actor=actor,
            changes={"household": household.pk, "grade": grade, "valid_until": card.valid_until},
        )
    return card


@transaction.atomic
def letter_issue(
    *, household: Household, reason: str, description: str, actor, on: dt.date | None = None
) -> EmergencyLetter:
    """Issue an emergency recommendation letter valid one month."""
    on = on or timezone.localdate()
    if not description.strip():
        raise BeneficiaryError(_("Uraikan keadaan darurat yang dialami keluarga."))
    if reason not in EmergencyLetter.Reason.values:
        raise BeneficiaryError(_("Pilih alasan surat rekomendasi."))
    letter = EmergencyLetter.objects.create(
        number=_placeholder(),
        household=household,
        reason=reason,
        description=description.strip(),
        valid_from=on,
        valid_until=_one_month(on),
        issued_by=actor,
    )
    letter.number = f"SRD/{on:%Y}/{letter.pk:06d}"
    letter.save(update_fields=["number"])
    audit_log(
        letter,
        "beneficiaries.letter.issued",
        actor=actor,
        changes={"household": household.pk, "reason": reason, "valid_until": letter.valid_until},
    )
    return letter


def household_reveal(*, household: Household, actor) -> None:
    """Record that `actor` saw the household's full KK number and every member's NIK."""
    audit_log(household, "beneficiaries.household.kk_viewed", actor=actor)
    for membership in household.memberships.select_related("person"):
        audit_log(membership.person, "beneficiaries.member.nik_viewed", actor=actor)


def complaint_contact_reveal(*, complaint: Complaint, actor) -> str:
    """Return the complainant's full phone or e-mail, and record that `actor` saw it."""
    audit_log(complaint, "beneficiaries.complaint.contact_viewed", actor=actor)
    return complaint.contact


# --- re-verification ---------------------------------------------------------------
@transaction.atomic
def campaign_open(*, year: int, name: str, actor) -> Campaign:
    """Open the year's re-verification: every household whose card ends by year end."""
    if Campaign.objects.filter(year=year).exists():
        raise BeneficiaryError(_("Verifikasi ulang tahun %(y)d sudah dibuka.") % {"y": year})
    campaign = Campaign.objects.create(
        year=year, name=name.strip() or f"Verifikasi ulang {year}", created_by=actor
    )
    due = (
        Card.objects.filter(revoked_on__isnull=True, valid_until__lte=dt.date(year, 12, 31))
        .values_list("household_id", flat=True)
        .distinct()
    )
    CampaignItem.objects.bulk_create(
        [CampaignItem(campaign=campaign, household_id=pk) for pk in sorted(set(due))]
    )
    audit_log(
        campaign,
        "beneficiaries.campaign.opened",
        actor=actor,
        changes={"households": len(set(due))},
    )
    return campaign


@transaction.atomic
def campaign_add_household(*, campaign: Campaign, household: Household, actor) -> CampaignItem:
    """Add a household found during re-verification (usually outcome B)."""
    if CampaignItem.objects.filter(campaign=campaign, household=household).exists():
        raise BeneficiaryError(_("Rumah tangga ini sudah ada dalam verifikasi ulang ini."))
    item = CampaignItem.objects.create(campaign=campaign, household=household)
    audit_log(item, "beneficiaries.campaign.household_added", actor=actor)
    return item


@transaction.atomic
def campaign_item_record(
    *, item: CampaignItem, outcome: str, error: str, reason: str, actor, on: dt.date | None = None
) -> CampaignItem:
    """Record L/B/P for one household; L ends its card, B and P renew it for a year."""
    on = on or timezone.localdate()
    item = CampaignItem.objects.select_for_update().select_related("household").get(pk=item.pk)
    if item.outcome:
        raise BeneficiaryError(_("Hasil verifikasi ulang rumah tangga ini sudah dicatat."))
    if outcome not in CampaignItem.Outcome.values:
        raise BeneficiaryError(_("Pilih hasil: L, B atau P."))
    if error and not reason.strip():
        raise BeneficiaryError(_("Kesalahan sasaran harus disertai alasan."))
    if error == CampaignItem.Error.INCLUSION and outcome != CampaignItem.Outcome.L:
        raise BeneficiaryError(_("Salah masuk (inclusion error) hanya untuk hasil L."))
    if error == CampaignItem.Error.EXCLUSION and outcome != CampaignItem.Outcome.B:
        raise BeneficiaryError(_("Salah keluar (exclusion error) hanya untuk hasil B."))
    item.outcome, item.error, item.reason = outcome, error, reason.strip()
    item.reviewed_by, item.reviewed_at = actor, timezone.now()
    item.save()
    household = item.household
    if outcome == CampaignItem.Outcome.L:
        Card.objects.filter(
            household=household, revoked_on__isnull=True, valid_until__gte=on
        ).update(revoked_on=on)
        household.grade = Grade.NOT_POOR
        household.save(update_fields=["grade"])
    else:
        grade = household.grade if household.grade in CARD_GRADES else Grade.POOR
        card_issue(household=household, grade=grade, actor=actor, on=on)
    audit_log(
        item,
        "beneficiaries.campaign.item_recorded",
        actor=actor,
        changes={"outcome": outcome, "error": error, "household": household.pk},
    )
    return item


# --- complaints ------------------------------------------------------------------------
COMPLAINT_MAX_CHARS = 4000
COMPLAINT_CONTACT_MAX_CHARS = 100


@transaction.atomic
def complaint_file(
    *,
    kind: str,
    channel: str,
    name: str,
    contact: str,
    description: str,
    village: Region | None = None,
    household: Household | None = None,
    actor=None,
    on: dt.date | None = None,
) -> Complaint:
    """File a complaint with a reference number and a due date."""
    on = on or timezone.localdate()
    if (
        len(description) > COMPLAINT_MAX_CHARS
        or len(contact) > COMPLAINT_CONTACT_MAX_CHARS
        or len(name) > 150
    ):
        raise BeneficiaryError(
            _("Isi pengaduan paling banyak %(n)s karakter, kontak %(c)d, nama 150.")
            % {"n": "4.000", "c": COMPLAINT_CONTACT_MAX_CHARS}
        )
    if not contact.strip():
        raise BeneficiaryError(_("Isi telepon atau e-mail agar jawaban dapat disampaikan."))
    if not name.strip() or not description.strip():
        raise BeneficiaryError(_("Nama dan isi pengaduan wajib diisi."))
    complaint = Complaint.objects.create(
        reference=_placeholder(),
        kind=kind,
        channel=channel,
        name=name.strip(),
        contact=contact.strip(),
        description=description.strip(),
        village=village,
        household=household,
        due_on=on + dt.timedelta(days=complaint_days()),
    )
    complaint.reference = f"ADU-{on:%Y}-{complaint.pk:05d}"
    complaint.save(update_fields=["reference"])
    audit_log(
        complaint,
        "beneficiaries.complaint.filed",
        actor=actor or "public",
        changes={"channel": channel},
    )
    return complaint


@transaction.atomic
def complaint_assign(*, complaint: Complaint, assignee, actor) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.is_answered:
        raise BeneficiaryError(_("Pengaduan ini sudah dijawab."))
    before = complaint.assigned_to_id
    complaint.assigned_to = assignee
    complaint.save(update_fields=["assigned_to"])
    audit_log(
        complaint,
        "beneficiaries.complaint.assigned",
        actor=actor,
        changes={"assigned_to": [before, assignee.pk]},
    )
    return complaint


@transaction.atomic
def complaint_answer(*, complaint: Complaint, answer: str, actor) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.is_answered:
        raise BeneficiaryError(_("Pengaduan ini sudah dijawab."))
    if not answer.strip():
        raise BeneficiaryError(_("Jawaban wajib diisi."))
    complaint.answer, complaint.answered_at, complaint.answered_by = (
        answer.strip(),
        timezone.now(),
        actor,
    )
    complaint.save(update_fields=["answer", "answered_at", "answered_by"])
    audit_log(complaint, "beneficiaries.complaint.answered", actor=actor)
    return complaint
