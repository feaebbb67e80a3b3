"""Demo aid: requests in every state of every programme, one school batch, staged house
rehabs with photos, a family the double-aid rule refuses, and desa with eligible
households nobody has helped yet (python manage.py seed_demo; safe to run again).
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from beneficiaries.models import Card, Grade, Household, Membership, Person
from beneficiaries.selectors import eligible_households
from disbursements.errors import DisbursementError
from disbursements.models import Batch, DisbursementRequest
from disbursements.services import (
    batch_approve,
    batch_create,
    batch_pay,
    disbursement_approve,
    disbursement_cancel,
    disbursement_close,
    disbursement_create,
    disbursement_pay,
    disbursement_reject,
    disbursement_reverse,
    evidence_add,
)
from funds.models import Fund, MoneyLocation, Programme

D = Decimal


def _png(colour: str) -> io.BytesIO:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), colour)
    ImageDraw.Draw(image).rectangle((60, 80, 260, 220), outline="white", width=6)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    buf.seek(0)
    buf.name = "foto.png"
    return buf


def _member(household, *, child: bool = False):
    memberships = Membership.objects.filter(household=household, ended_on__isnull=True)
    if child:
        memberships = memberships.exclude(relation=Membership.Relation.HEAD)
    found = memberships.select_related("person").order_by("-person__birth_date").first()
    return found.person if found else None


def _issue_cards(*, head, today) -> None:
    """Give cards to part of the listed households, so there is someone to help and someone missed.

    The demo registry decides only a few households by visit; the national list
    is the other basis. Two in three listed households without a card get one.
    """
    from beneficiaries.services import card_issue

    listed = Household.objects.exclude(list_source="").exclude(
        pk__in=Card.objects.filter(valid_until__gte=today).values("household")
    )
    for index, household in enumerate(listed.order_by("pk")[:120]):
        if index % 3 == 2:
            continue
        card_issue(
            household=household,
            grade=Grade.VERY_POOR if index % 2 else Grade.POOR,
            actor=head,
            on=today - dt.timedelta(days=30),
        )


def seed(*, org, users, out) -> None:
    if DisbursementRequest.objects.exists():
        return
    verifier, manager = users.get("verifier"), users.get("fund_manager")
    treasurer, head = users.get("treasurer"), users.get("head")
    if not all((verifier, manager, treasurer, head)):
        return
    today = timezone.localdate()
    _issue_cards(head=head, today=today)
    valid_cards = Card.objects.filter(
        valid_from__lte=today, valid_until__gte=today, revoked_on=None
    )
    poor = list(
        eligible_households(on=today)
        .filter(
            pk__in=valid_cards.filter(grade__in=[Grade.VERY_POOR, Grade.POOR]).values("household")
        )
        .select_related("village")
        .order_by("pk")
    )
    if len(poor) < 24:
        out.write("  bantuan: terlalu sedikit rumah tangga layak untuk demo")
        return
    programmes = {p.code: p for p in Programme.objects.all()}
    matra = Fund.objects.get(code="matra")
    infak = Fund.objects.get(code="infak-mitra-kenanga")
    csr = Fund.objects.filter(code="csr-rtlh-sambirejo").first()
    bank = MoneyLocation.objects.get(code="bank-jateng")
    families = iter(poor)
    made = []

    def ask(code, fund, amount, *, member=False, payee=("household", "Kepala keluarga"), **kw):
        for household in families:
            person = _member(household, child=member == "child") if member else None
            if member == "head":
                person = _member(household)
            if member and person is None:
                continue
            if code == "pendidikan" and person is not None:
                Person.objects.filter(pk=person.pk).update(school_level="sd")
                person.school_level = "sd"
            use = fund
            if code == "rtlh" and csr and household.village_id.startswith("33.14.05"):
                use = csr
            try:
                req = disbursement_create(
                    programme=programmes[code],
                    household=household,
                    member=person,
                    fund=use,
                    amount=amount,
                    payee_kind=payee[0],
                    payee_name=payee[1],
                    actor=kw.pop("actor", verifier),
                    **kw,
                )
            except DisbursementError:
                continue
            made.append(req)
            return req
        return None

    def approve(req):
        req = disbursement_approve(request=req, actor=treasurer)
        if req.status == DisbursementRequest.Status.AWAITING_HEAD:
            req = disbursement_approve(request=req, actor=head)
        return req

    def pay(req, amount, note=""):
        return disbursement_pay(
            request=req,
            actor=treasurer,
            amount=amount,
            location=bank,
            method="transfer",
            date=today,
            idempotency_key=uuid.uuid4().hex,
            stage_note=note,
        )

    with transaction.atomic():
        shop = ("supplier", "TB Sumber Rejeki")
        # House rehabs: one closed with every photo, one half paid, one waiting for the head.
        done = ask(
            "rtlh", matra, "5.000.000", payee=shop, publication_consent=True, photos_consent=True
        )
        if done:
            done = approve(done)
            pay(done, "3.000.000", "Bahan bangunan tahap 1")
            for kind, colour in (("photo_before", "#8d6e63"), ("photo_during", "#a1887f")):
                evidence_add(request=done, kind=kind, upload=_png(colour), actor=verifier)
            pay(done, "2.000.000", "Tahap 2 setelah foto pertengahan")
            evidence_add(request=done, kind="photo_after", upload=_png("#4caf50"), actor=verifier)
            evidence_add(request=done, kind="bast", upload=_png("#ffffff"), actor=treasurer)
            disbursement_close(request=done, actor=treasurer)
            # The same family asked again through another fund: the double-aid rule refuses it.
            try:
                disbursement_create(
                    programme=programmes["rtlh"],
                    household=done.household,
                    member=None,
                    fund=infak,
                    amount="5.000.000",
                    payee_kind="supplier",
                    payee_name="TB Maju",
                    actor=manager,
                )
            except DisbursementError as exc:
                out.write(f"  aturan bantuan ganda: {exc.problems[0][:90]}…")
        staged = ask("rtlh", matra, "5.000.000", payee=shop)
        if staged:
            staged = approve(staged)
            pay(staged, "2.500.000", "Bahan bangunan tahap 1")
            evidence_add(
                request=staged, kind="photo_before", upload=_png("#795548"), actor=verifier
            )
        waiting = ask("rtlh", matra, "5.000.000", payee=shop)
        if waiting:
            disbursement_approve(request=waiting, actor=treasurer)
        ask("rtlh", matra, "5.000.000", payee=shop)  # submitted

        # Every programme in every state: asked, approved, paid, closed, rejected, cancelled,
        # corrected by reversal.
        clinic = ("health", "RSUD dr. Soehadi Prijonegoro")
        home = ("household", "Kepala keluarga")
        plans = (
            (
                "rtlh",
                infak,
                "5.000.000",
                None,
                shop,
                ["photo_before", "photo_during", "photo_after", "bast"],
            ),
            ("kesehatan", infak, "1.250.000", "head", clinic, ["receipt"]),
            ("pendidikan", infak, "375.000", "child", ("school", "SDN 3 Sragen"), ["bast"]),
            ("lansia", infak, "300.000", "head", home, ["bast"]),
            ("darurat", infak, "1.000.000", None, home, ["bast"]),
        )
        for code, fund, amount, member, payee, proof in plans:
            ask(code, fund, amount, member=member, payee=payee)
            approved = ask(code, fund, amount, member=member, payee=payee)
            if approved:
                approve(approved)
            paid = ask(code, fund, amount, member=member, payee=payee)
            if paid:
                pay(approve(paid), amount)
            closed = ask(code, fund, amount, member=member, payee=payee)
            if closed:
                pay(approve(closed), amount)
                for kind in proof:
                    evidence_add(request=closed, kind=kind, upload=_png("#eeeeee"), actor=treasurer)
                disbursement_close(request=closed, actor=treasurer)
            rejected = ask(code, fund, amount, member=member, payee=payee)
            if rejected:
                disbursement_reject(
                    request=rejected,
                    actor=treasurer,
                    reason="Sudah dibantu program pemerintah bulan ini",
                )
            cancelled = ask(code, fund, amount, member=member, payee=payee)
            if cancelled:
                disbursement_cancel(
                    request=cancelled, actor=verifier, reason="Keluarga pindah ke luar kabupaten"
                )
            corrected = ask(code, fund, amount, member=member, payee=payee)
            if corrected:
                pay(approve(corrected), amount)
                disbursement_reverse(
                    request=corrected, actor=treasurer, reason="Salah nomor rekening penerima"
                )

        # One school batch of pupils, approved once and paid per school.
        pupils = []
        for household in families:
            child = _member(household, child=True)
            if child is None:
                continue
            Person.objects.filter(pk=child.pk).update(school_level="sd")
            pupils.append(child)
            if len(pupils) == 6:
                break
        if len(pupils) >= 2 and not Batch.objects.exists():
            rows = ["NIK;NAMA;JUMLAH;SEKOLAH"]
            for index, child in enumerate(pupils):
                school = "SDN 1 Sragen" if index % 2 else "SDN 2 Sragen"
                rows.append(f"{child.nik};{child.name};375.000;{school}")
            batch = batch_create(
                data=("\n".join(rows) + "\n").encode(),
                filename="bantuan-sekolah-demo.csv",
                programme=programmes["pendidikan"],
                fund=infak,
                actor=verifier,
            )
            batch_approve(batch=batch, actor=head)
            batch_pay(
                batch=batch,
                actor=treasurer,
                location=bank,
                method="transfer",
                date=today,
                idempotency_key=f"demo-{batch.pk}",
                payee_name="SDN 1 Sragen",
            )
    out.write(f"  bantuan: {len(made)} permohonan dan satu batch sekolah dibuat")
