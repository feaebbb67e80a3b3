from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import pdfs
from beneficiaries.errors import BeneficiaryError
from beneficiaries.filters import ComplaintFilter, DecisionQueueFilter, HouseholdFilter
from beneficiaries.forms import (
    CampaignForm,
    CampaignItemForm,
    ComplaintAnswerForm,
    ComplaintAssignForm,
    ComplaintForm,
    DecisionForm,
    DeskForm,
    ImportForm,
    LetterForm,
    MemberForm,
    PhotoForm,
    VisitForm,
    VisitPhotoForm,
)
from beneficiaries.models import (
    Campaign,
    CampaignItem,
    Card,
    Complaint,
    EmergencyLetter,
    HomeVisit,
    Household,
    ImportBatch,
    Membership,
    Registration,
    VisitPhoto,
)
from beneficiaries.national_list import import_batch_create, national_list_confirm
from beneficiaries.selectors import (
    campaign_summary,
    decision_queue,
    household_detail,
    household_eligibility,
    household_search,
    may_see_identity,
    village_statistics,
    visits_for_verifier,
)
from beneficiaries.services import (
    campaign_add_household,
    campaign_item_record,
    campaign_open,
    complaint_answer,
    complaint_assign,
    complaint_contact_reveal,
    complaint_file,
    household_register,
    household_reveal,
    letter_issue,
    member_add,
    registration_decide,
    village_get,
    visit_photo_add,
    visit_submit,
)
from beneficiaries.tables import ComplaintTable, DecisionQueueTable, HouseholdTable
from core.crypto import mask_contact
from core.exports import export_response, table_export_response
from core.http import client_ip, rate_limit_exceeded
from core.links import site_url
from core.models import Job
from core.pdf import official_document
from core.permissions import public_view, require_write, staff_view
from core.roles import Role
from core.tables import RequestConfig
from core.uploads import stored_file_response

# Staff who work with households: they see masked identity numbers.
READERS = [Role.VERIFIER, Role.HEAD, Role.FUND_MANAGER, Role.TREASURER]
CASEWORKERS = [Role.VERIFIER, Role.HEAD]


# --- permission helpers: one per object type ------------------------------------
def _get_household_for_user(request, pk: int, write: bool = False) -> Household:
    if write:
        require_write(request, CASEWORKERS)
    try:
        return household_detail(pk=pk)
    except Household.DoesNotExist:
        raise Http404 from None


def _get_visit_for_user(request, pk: int, write: bool = False) -> HomeVisit:
    visit = get_object_or_404(
        HomeVisit.objects.select_related("registration__household__village", "criteria_set"), pk=pk
    )
    # A verifier sees only the visits given to them; the head sees all.
    if not request.user.has_role(Role.HEAD, Role.AUDITOR, Role.ADMIN) and (
        visit.verifier_id != request.user.pk
    ):
        raise Http404
    if write:
        require_write(request, [Role.VERIFIER])
    return visit


def _get_registration_for_user(request, pk: int, write: bool = False) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("household__village", "visit__criteria_set"), pk=pk
    )
    if write:
        require_write(request, CASEWORKERS)
    return registration


def _get_complaint_for_user(request, pk: int, write: bool = False) -> Complaint:
    complaint = get_object_or_404(Complaint.objects.select_related("village", "assigned_to"), pk=pk)
    if write:
        require_write(request, CASEWORKERS)
    return complaint


def _get_item_for_user(request, pk: int, write: bool = False) -> CampaignItem:
    item = get_object_or_404(CampaignItem.objects.select_related("household", "campaign"), pk=pk)
    if write:
        require_write(request, CASEWORKERS)
    return item


def _error(form, exc: BeneficiaryError) -> None:
    form.add_error(None, str(exc))


# --- search, household page, statistics --------------------------------------------
_current_members = (
    Membership.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    .order_by()
    .values("household")
    .annotate(n=Count("pk"))
    .values("n")
)


SEARCHES_KEY = "beneficiaries.searches"
KEPT_SEARCHES = 20


def _search_token(request, q: str) -> str:
    """Keep a search text in the session under a random token, for the URL to carry."""
    searches = request.session.get(SEARCHES_KEY, {})
    token = secrets.token_urlsafe(9)
    searches[token] = q
    request.session[SEARCHES_KEY] = dict(list(searches.items())[-KEPT_SEARCHES:])
    return token


# Searching changes nothing but the session, so every reader may POST here: a
# NIK or KK number travels in the body, never in a URL (access logs, history).
@staff_view(read=READERS, write=[*READERS, Role.AUDITOR, Role.ADMIN])
def search(request):
    if request.method == "POST":
        query = {
            name: request.POST[name]
            for name in ("village", "list_source")
            if request.POST.get(name, "").strip()
        }
        q = request.POST.get("q", "").strip()[:100]
        if q:
            query["cari"] = _search_token(request, q)
        url = reverse("beneficiaries:search")
        return redirect(f"{url}?{urlencode(query)}" if query else url)
    data = request.GET.copy()
    if data.pop("q", None):
        messages.warning(
            request,
            _("Pencarian NIK, nomor KK atau nama dikirim lewat formulir, bukan lewat alamat."),
        )
    token = data.pop("cari", [""])[0]
    searched = request.session.get(SEARCHES_KEY, {}).get(token, "") if token else ""
    if searched:
        data["q"] = searched
    households = HouseholdFilter(
        data,
        # Members are counted per shown row (a correlated subquery), not by grouping
        # every household with every membership: the page and its count stay cheap.
        queryset=Household.objects.select_related("village", "village__parent")
        .annotate(members=Coalesce(Subquery(_current_members), 0))
        .order_by("village_id", "pk"),
    )
    table = HouseholdTable(households.qs)
    RequestConfig(request, paginate={"per_page": 25, "lazy": True}).configure(table)
    export = table_export_response(request, table, "rumah-tangga")
    if export is not None:
        return export
    return render(
        request,
        "beneficiaries/search.html",
        {"filter": households, "table": table, "filter_method": "post"},
    )


def _household_context(request, household, *, reveal=False):
    today = timezone.localdate()
    eligible, reason = household_eligibility(household=household, on=today)
    return {
        "household": household,
        "reveal": reveal,
        "may_reveal": may_see_identity(request.user),
        "eligible": eligible,
        "eligibility_reason": reason,
        "today": today,
        "may_write": request.user.has_role(*CASEWORKERS),
        "may_issue_letter": request.user.has_role(Role.HEAD),
    }


@staff_view(read=READERS)
def household(request, pk: int):
    household = _get_household_for_user(request, pk)
    return render(request, "beneficiaries/household.html", _household_context(request, household))


@staff_view(read=CASEWORKERS, write=CASEWORKERS, post_only=True)
def household_reveal_view(request, pk: int):
    """Show the full KK number and NIKs once, and record that they were seen."""
    household = _get_household_for_user(request, pk, write=True)
    household_reveal(household=household, actor=request.user)
    return render(
        request, "beneficiaries/household.html", _household_context(request, household, reveal=True)
    )


@staff_view(read=CASEWORKERS, write=CASEWORKERS)
def member_add_view(request, pk: int):
    household = _get_household_for_user(request, pk, write=request.method == "POST")
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_add(household=household, actor=request.user, **form.cleaned_data)
        except BeneficiaryError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Anggota keluarga ditambahkan."))
            return redirect("beneficiaries:household", pk=household.pk)
    return render(request, "beneficiaries/member_form.html", {"form": form, "household": household})


@staff_view(read=READERS)
def statistics(request):
    rows = village_statistics(prefix=request.GET.get("wilayah", ""))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Kode"),
            _("Desa/kelurahan"),
            _("Kecamatan"),
            _("KK"),
            _("Di daftar nasional"),
            _("Layak hari ini"),
            _("Dalam proses"),
        ]
        data = (
            [
                r["village__code"],
                r["village__name"],
                r["village__parent__name"],
                r["households"],
                r["listed"],
                r["eligible"],
                r["awaiting"],
            ]
            for r in rows
        )
        return export_response(fmt, header, data, "statistik-desa")
    return render(request, "beneficiaries/statistics.html", {"rows": rows})


# --- desk, visits, decisions --------------------------------------------------------
@staff_view(read=CASEWORKERS, write=CASEWORKERS)
def desk(request):
    form = DeskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = household_register(actor=request.user, **form.cleaned_data)
        except BeneficiaryError as exc:
            _error(form, exc)
        else:
            if registration.matched_national_list:
                messages.success(
                    request,
                    _(
                        "Keluarga ada di daftar nasional: dasar 'daftar nasional' dicatat, "
                        "menunggu keputusan."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Keluarga belum ada di daftar nasional: kunjungan rumah ditugaskan kepada "
                        "%(v)s."
                    )
                    % {"v": registration.visit.verifier},
                )
            return redirect("beneficiaries:household", pk=registration.household_id)
    return render(request, "beneficiaries/desk.html", {"form": form})


@staff_view(read=[Role.VERIFIER])
def worklist(request):
    from django.core.paginator import Paginator

    # Oldest first, 20 to a page: a verifier's phone shows one day's round at a time.
    visits = Paginator(visits_for_verifier(verifier=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "beneficiaries/worklist.html", {"visits": visits})


def _visit_carried_over(post) -> dict:
    """Return what the verifier typed, as initial values: kept, but not judged yet."""
    return {
        "criteria_set": post.get("criteria_set"),
        "met": post.getlist("met"),
        "narrative": post.get("narrative", ""),
        "proposed_grade": post.get("proposed_grade") or None,
        "visited_on": post.get("visited_on") or dt.date.today(),
    }


@staff_view(read=CASEWORKERS, write=[Role.VERIFIER])
def visit(request, pk: int):
    """Fill in a home visit; a photo can be added at any time without losing what was typed."""
    visit = _get_visit_for_user(request, pk, write=request.method == "POST")
    if request.method != "POST":
        form, photo_form = VisitForm(), VisitPhotoForm(prefix="photo")
    else:
        photo_form = VisitPhotoForm(request.POST, request.FILES, prefix="photo")
        wants_photo_only = request.POST.get("action") == "photo"
        if photo_form.is_valid() and photo_form.cleaned_data.get("image"):
            try:
                visit_photo_add(
                    visit=visit,
                    upload=photo_form.cleaned_data["image"],
                    caption=photo_form.cleaned_data["caption"],
                    consent_by=photo_form.cleaned_data["consent_by"],
                    actor=request.user,
                )
            except BeneficiaryError as exc:
                photo_form.add_error("image", str(exc))
            else:
                messages.success(request, _("Foto disimpan."))
                photo_form = VisitPhotoForm(prefix="photo")
        elif wants_photo_only and not photo_form.errors:
            photo_form.add_error("image", _("Pilih atau ambil foto dulu."))
        form = VisitForm(request.POST)
        if not wants_photo_only and not photo_form.errors and form.is_valid():
            data = form.cleaned_data
            try:
                visit_submit(
                    visit=visit,
                    criteria_set=data["criteria_set"],
                    met=data["met"],
                    narrative=data["narrative"],
                    proposed_grade=data["proposed_grade"],
                    visited_on=data["visited_on"],
                    actor=request.user,
                )
            except BeneficiaryError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("Hasil kunjungan dikirim ke antrean keputusan."))
                return redirect("beneficiaries:worklist")
        elif wants_photo_only or photo_form.errors:
            # Only a photo was sent (or it was refused): the visit form comes back as typed,
            # without complaining about fields the verifier has not reached yet.
            form = VisitForm(initial=_visit_carried_over(request.POST))
    return render(
        request,
        "beneficiaries/visit.html",
        {"visit": visit, "form": form, "photo_form": photo_form, "photos": visit.photos.all()},
    )


@staff_view(read=[Role.VERIFIER], write=[Role.VERIFIER], post_only=True)
def visit_photo_add_view(request, pk: int):
    visit = _get_visit_for_user(request, pk, write=True)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            visit_photo_add(
                visit=visit,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                consent_by=form.cleaned_data["consent_by"],
                actor=request.user,
            )
        except BeneficiaryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Foto disimpan."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("beneficiaries:visit", pk=visit.pk)


@staff_view(read=CASEWORKERS)
def visit_photo(request, pk: int):
    photo = get_object_or_404(VisitPhoto.objects.select_related("visit", "file"), pk=pk)
    _get_visit_for_user(request, photo.visit_id)
    if photo.file is None:
        raise Http404  # kept in clear before encryption: `manage.py encrypt_media` moves it
    return stored_file_response(request, photo.file, filename=f"foto-{photo.pk}")


@staff_view(read=CASEWORKERS)
def decision_queue_view(request):
    queue = DecisionQueueFilter(request.GET, queryset=decision_queue())
    # Auditors and admins read the queue; only case workers get a button to decide.
    may_decide = request.user.has_role(*CASEWORKERS)
    table = DecisionQueueTable(queue.qs, exclude=() if may_decide else ("decide",))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    export = table_export_response(request, table, "antrean-keputusan")
    if export is not None:
        return export
    return render(request, "beneficiaries/decision_queue.html", {"filter": queue, "table": table})


@staff_view(read=CASEWORKERS, write=CASEWORKERS)
def decide(request, pk: int):
    registration = _get_registration_for_user(request, pk, write=request.method == "POST")
    visit = (
        HomeVisit.objects.filter(registration=registration).select_related("criteria_set").first()
    )
    initial = {"basis": "national_list" if registration.matched_national_list else "local_survey"}
    if visit and visit.proposed_grade:
        initial["grade"] = visit.proposed_grade
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision = registration_decide(
                registration=registration, actor=request.user, **form.cleaned_data
            )
        except BeneficiaryError as exc:
            _error(form, exc)
        else:
            if decision.eligible:
                messages.success(request, _("Keluarga dinyatakan layak; kartu diterbitkan."))
            else:
                messages.info(request, _("Keluarga dinyatakan tidak layak."))
            return redirect("beneficiaries:household", pk=registration.household_id)
    criteria = list(visit.criteria_set.items.all()) if visit and visit.criteria_set else []
    return render(
        request,
        "beneficiaries/decide.html",
        {
            "registration": registration,
            "visit": visit,
            "form": form,
            "criteria": criteria,
            # The head decides on what the verifier saw: the photos are on the page.
            "photos": visit.photos.all() if visit else [],
        },
    )


# --- cards and letters ------------------------------------------------------------
@staff_view(read=READERS)
@official_document
def card_pdf(request, pk: int):
    card = get_object_or_404(Card.objects.select_related("household__village"), pk=pk)
    url = site_url(reverse("beneficiaries:check", args=[card.check_token]))
    return pdfs.pdf_response(pdfs.card_pdf(card=card, check_url=url), card.number.replace("/", "-"))


@staff_view(read=READERS)
@official_document
def letter_pdf(request, pk: int):
    letter = get_object_or_404(EmergencyLetter.objects.select_related("household__village"), pk=pk)
    url = site_url(reverse("beneficiaries:check", args=[letter.check_token]))
    return pdfs.pdf_response(
        pdfs.letter_pdf(letter=letter, check_url=url), letter.number.replace("/", "-")
    )


@staff_view(read=[Role.HEAD], write=[Role.HEAD])
def letter_create(request, pk: int):
    household = _get_household_for_user(request, pk)
    if request.method == "POST":
        require_write(request, [Role.HEAD])
    form = LetterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter_issue(household=household, actor=request.user, **form.cleaned_data)
        except BeneficiaryError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Surat rekomendasi darurat diterbitkan (berlaku 1 bulan)."))
            return redirect("beneficiaries:household", pk=household.pk)
    return render(request, "beneficiaries/letter_form.html", {"form": form, "household": household})


@public_view
def check(request, token: str):
    """Tell anyone holding a card or letter whether it is valid: nothing else."""
    document = (
        Card.objects.filter(check_token=token).first()
        or EmergencyLetter.objects.filter(check_token=token).first()
    )
    if document is None:
        raise Http404
    today = timezone.localdate()
    return render(
        request,
        "beneficiaries/check.html",
        {"valid": document.is_valid_on(today), "valid_until": document.valid_until},
    )


# --- national-list import --------------------------------------------------------------
@staff_view(read=CASEWORKERS, write=CASEWORKERS)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batch_create(
                upload=upload,
                filename=upload.name,
                source=form.cleaned_data["source"],
                as_of=form.cleaned_data["as_of"],
                actor=request.user,
            )
        except BeneficiaryError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("beneficiaries:import_detail", pk=batch.pk)
    batches = ImportBatch.objects.select_related("created_by").order_by("-created_at")[:20]
    return render(request, "beneficiaries/import_upload.html", {"form": form, "batches": batches})


@staff_view(read=CASEWORKERS, write=CASEWORKERS)
def import_detail(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.select_related("job"), pk=pk)
    if request.method == "POST":
        require_write(request, CASEWORKERS)
        try:
            national_list_confirm(batch=batch, actor=request.user)
        except BeneficiaryError as exc:
            messages.info(request, str(exc))
        return redirect("beneficiaries:import_detail", pk=batch.pk)
    # The preview was parsed once at upload: this page never reads the file.
    preview = None
    if batch.status == ImportBatch.Status.PREVIEW and batch.job_id is None:
        preview = batch.preview or None
    job = Job.objects.filter(pk=batch.job_id).first()
    return render(
        request,
        "beneficiaries/import_detail.html",
        {"batch": batch, "preview": preview, "job": job},
    )


# --- re-verification -------------------------------------------------------------------
@staff_view(read=CASEWORKERS, write=[Role.HEAD])
def campaigns(request):
    form = CampaignForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_open(actor=request.user, **form.cleaned_data)
        except BeneficiaryError as exc:
            _error(form, exc)
        else:
            return redirect("beneficiaries:campaign", pk=campaign.pk)
    return render(
        request,
        "beneficiaries/campaigns.html",
        {"form": form, "campaigns": Campaign.objects.all()},
    )


@staff_view(read=CASEWORKERS)
def campaign(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    summary = campaign_summary(campaign=campaign)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        header = [
            "Kode desa",
            "Desa",
            "Jumlah",
            "L",
            "B",
            "P",
            "Belum",
            "Salah masuk",
            "Salah keluar",
        ]
        rows = (
            [
                s["household__village__code"],
                s["household__village__name"],
                s["total"],
                s["lulus"],
                s["baru"],
                s["pas"],
                s["pending"],
                s["inclusion"],
                s["exclusion"],
            ]
            for s in summary
        )
        return export_response(fmt, header, rows, f"verifikasi-ulang-{campaign.year}")
    items = campaign.items.select_related("household__village").filter(outcome="")[:100]
    return render(
        request,
        "beneficiaries/campaign.html",
        {"campaign": campaign, "summary": summary, "items": items, "form": CampaignItemForm()},
    )


@staff_view(read=CASEWORKERS, write=CASEWORKERS, post_only=True)
def campaign_add(request, pk: int):
    """Add a household found during the campaign, by NIK or KK number."""
    campaign = get_object_or_404(Campaign, pk=pk)
    query = request.POST.get("q", "").strip()
    found = list(household_search(q=query)[:2]) if len(query) >= 16 else []
    if len(found) != 1:
        messages.error(request, _("Isi NIK atau nomor KK (16 angka) rumah tangga yang terdaftar."))
    else:
        try:
            campaign_add_household(campaign=campaign, household=found[0], actor=request.user)
        except BeneficiaryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Rumah tangga ditambahkan ke verifikasi ulang."))
    return redirect("beneficiaries:campaign", pk=campaign.pk)


@staff_view(read=CASEWORKERS, write=CASEWORKERS, post_only=True)
def campaign_item(request, pk: int):
    item = _get_item_for_user(request, pk, write=True)
    form = CampaignItemForm(request.POST)
    if form.is_valid():
        try:
            campaign_item_record(item=item, actor=request.user, **form.cleaned_data)
        except BeneficiaryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Hasil verifikasi ulang dicatat."))
    else:
        messages.error(request, _("Pilih hasil: L, B atau P."))
    return redirect("beneficiaries:campaign", pk=item.campaign_id)


# --- complaints ----------------------------------------------------------------------
@staff_view(read=CASEWORKERS)
def complaint_list(request):
    complaints = ComplaintFilter(
        request.GET, queryset=Complaint.objects.select_related("assigned_to")
    )
    table = ComplaintTable(complaints.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    export = table_export_response(request, table, "pengaduan")
    if export is not None:
        return export
    return render(request, "beneficiaries/complaints.html", {"filter": complaints, "table": table})


def _complaint_from_form(form, *, channel, actor):
    village = None
    code = form.cleaned_data.get("village_code")
    if code:
        village = village_get(code)
    return complaint_file(
        kind=form.cleaned_data["kind"],
        channel=channel,
        name=form.cleaned_data["name"],
        contact=form.cleaned_data["contact"],
        description=form.cleaned_data["description"],
        village=village,
        actor=actor,
    )


@staff_view(read=CASEWORKERS, write=CASEWORKERS)
def complaint_create(request):
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = _complaint_from_form(
                form, channel=Complaint.Channel.DESK, actor=request.user
            )
        except BeneficiaryError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Pengaduan dicatat: %(r)s.") % {"r": complaint.reference})
            return redirect("beneficiaries:complaint", pk=complaint.pk)
    return render(request, "beneficiaries/complaint_form.html", {"form": form, "public": False})


@staff_view(read=CASEWORKERS, write=CASEWORKERS)
def complaint(request, pk: int):
    complaint = _get_complaint_for_user(request, pk, write=request.method == "POST")
    assign_form = ComplaintAssignForm(
        request.POST if request.POST.get("action") == "assign" else None
    )
    answer_form = ComplaintAnswerForm(
        request.POST if request.POST.get("action") == "answer" else None
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "assign" and assign_form.is_valid():
                complaint_assign(
                    complaint=complaint,
                    assignee=assign_form.cleaned_data["assignee"],
                    actor=request.user,
                )
                return redirect("beneficiaries:complaint", pk=complaint.pk)
            if request.POST.get("action") == "answer" and answer_form.is_valid():
                complaint_answer(
                    complaint=complaint,
                    answer=answer_form.cleaned_data["answer"],
                    actor=request.user,
                )
                messages.success(request, _("Jawaban disimpan."))
                return redirect("beneficiaries:complaint", pk=complaint.pk)
        except BeneficiaryError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "beneficiaries/complaint.html",
        _complaint_context(request, complaint, assign_form=assign_form, answer_form=answer_form),
    )


def _complaint_context(request, complaint, *, contact="", assign_form=None, answer_form=None):
    return {
        "complaint": complaint,
        "assign_form": assign_form or ComplaintAssignForm(),
        "answer_form": answer_form or ComplaintAnswerForm(),
        "overdue": complaint.is_overdue(timezone.localdate()),
        # Masked for everyone; shown in full only after a POST that is audited.
        "contact": contact or mask_contact(complaint.contact),
        "revealed": bool(contact),
        "may_reveal": request.user.has_role(*CASEWORKERS),
    }


@staff_view(read=CASEWORKERS, write=CASEWORKERS, post_only=True)
def complaint_contact(request, pk: int):
    """Show the complainant's full phone or e-mail once, and record that it was seen."""
    complaint = _get_complaint_for_user(request, pk, write=True)
    contact = complaint_contact_reveal(complaint=complaint, actor=request.user)
    return render(
        request,
        "beneficiaries/complaint.html",
        _complaint_context(request, complaint, contact=contact),
    )


@public_view
def complaint_public(request):
    # The home page links "help did not arrive" here with that kind already chosen.
    kind = request.GET.get("jenis")
    initial = {"kind": kind} if kind in Complaint.Kind.values else {}
    form = ComplaintForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if rate_limit_exceeded(
            f"complaint:{client_ip(request)}",
            limit=settings.KENANGA_PUBLIC_COMPLAINTS_PER_HOUR,
            window=3600,
        ):
            # The form comes back filled in: nothing the citizen typed is lost.
            form.add_error(
                None,
                _(
                    "Terlalu banyak pengaduan dari alamat ini dalam satu jam. Isian Anda tetap "
                    "di sini: kirim lagi nanti, atau sampaikan di loket."
                ),
            )
            return render(
                request,
                "beneficiaries/complaint_form.html",
                {"form": form, "public": True},
                status=429,
            )
        try:
            complaint = _complaint_from_form(form, channel=Complaint.Channel.PUBLIC, actor=None)
        except BeneficiaryError as exc:
            _error(form, exc)
        else:
            return render(request, "beneficiaries/complaint_thanks.html", {"complaint": complaint})
    return render(request, "beneficiaries/complaint_form.html", {"form": form, "public": True})


@public_view
def complaint_track(request):
    """Show the state of a complaint by its reference: never its contents."""
    reference = request.GET.get("nomor", "").strip().upper()
    complaint = Complaint.objects.filter(reference=reference).first() if reference else None
    return render(
        request,
        "beneficiaries/complaint_track.html",
        {"reference": reference, "complaint": complaint, "today": timezone.localdate()},
    )
