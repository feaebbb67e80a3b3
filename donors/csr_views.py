"""Pages of the CSR partner portal, the card payment pages and the Stripe webhook.

Views are short: find the object through its permission helper, bind the
form, call the service, turn a DonorError into a message, redirect.
"""

from __future__ import annotations

import logging

from allauth.account.views import SignupView
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.organisation import get_organisation
from core.pdf import official_document, pdf_response
from core.permissions import Access, StaffViewMixin, public_view, require_write, staff_view
from core.roles import Role
from core.uploads import stored_file_response
from donors import csr, payments
from donors.csr_forms import (
    AmountForm,
    HandOnForm,
    PartnerSignupForm,
    PledgeForm,
    PublicGiftForm,
    ReasonForm,
    TransferForm,
)
from donors.csr_selectors import (
    goods_register,
    instalments_open,
    partner_of_user,
    partners_pending,
    payments_of_pledge,
    pledge_impact,
    pledges_for,
    transfers_waiting,
)
from donors.csr_selectors import (
    pledge_detail as pledge_get,
)
from donors.errors import DonorError
from donors.models import (
    Donor,
    GatewayMovement,
    GoodsHandover,
    GoodsHandoverPhoto,
    GoodsItem,
    OnlinePayment,
    Partner,
    Pledge,
    Receipt,
    TransferProof,
)

log = logging.getLogger(__name__)

PARTNER = [Role.CSR_PARTNER]
STAFF_READ = [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD]
MANAGER = [Role.FUND_MANAGER]


def _staff(user) -> bool:
    return bool(user.roles & {*STAFF_READ, Role.AUDITOR, Role.ADMIN})


def _error(request: HttpRequest, exc: DonorError) -> None:
    messages.error(request, exc.message)


# --- Object-level helpers: outsiders and other partners get 404 -----------------------------
def _get_pledge_for_user(request: HttpRequest, pk: int, write: bool = False) -> Pledge:
    try:
        pledge = pledge_get(pk=pk)
    except Pledge.DoesNotExist:
        raise Http404 from None
    if not _staff(request.user) and pledge.partner.user_id != request.user.pk:
        raise Http404
    if write:
        require_write(request, [*PARTNER, *MANAGER])
    return pledge


def _get_partner_for_user(request: HttpRequest, pk: int) -> Partner:
    partner = get_object_or_404(Partner.objects.select_related("donor", "document"), pk=pk)
    if not _staff(request.user) and partner.user_id != request.user.pk:
        raise Http404
    return partner


def _get_transfer_for_user(request: HttpRequest, pk: int) -> TransferProof:
    transfer = get_object_or_404(
        TransferProof.objects.select_related("pledge__partner", "proof"), pk=pk
    )
    if not _staff(request.user) and transfer.pledge.partner.user_id != request.user.pk:
        raise Http404
    return transfer


def _get_goods_for_user(request: HttpRequest, pk: int) -> GoodsItem:
    item = get_object_or_404(GoodsItem.objects.select_related("pledge__partner"), pk=pk)
    if not _staff(request.user) and item.pledge.partner.user_id != request.user.pk:
        raise Http404
    return item


# --- Sign-up: open for CSR partners only ------------------------------------------------------
class PartnerSignupView(StaffViewMixin, SignupView):
    """allauth's sign-up with the company's identity; the only open sign-up of Kenanga."""

    access = Access(public=True)
    form_class = PartnerSignupForm
    template_name = "donors/csr/signup.html"

    def dispatch(self, request, *args, **kwargs):
        # core.adapters.AccountAdapter opens sign-up for this view only.
        request.kenanga_partner_signup = True
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return PartnerSignupForm

    def get_success_url(self):
        from django.urls import reverse

        return reverse("donors:csr_home")


# --- Portal home: the partner's own pledges; staff see every pledge ---------------------------
@staff_view(read=[*PARTNER, *STAFF_READ])
def csr_home(request):
    today = timezone.localdate()
    if _staff(request.user):
        return render(
            request,
            "donors/csr/manager.html",
            {
                "pledges": pledges_for()[:200],
                "partners": partners_pending(),
                "transfers": transfers_waiting(),
                "dues": instalments_open(today=today)[:100],
                "goods": goods_register()[:100],
                "today": today,
            },
        )
    partner = partner_of_user(user=request.user)
    return render(
        request,
        "donors/csr/home.html",
        {
            "partner": partner,
            "pledges": pledges_for(partner=partner) if partner else Pledge.objects.none(),
            "dues": instalments_open(today=today, partner=partner) if partner else [],
            "today": today,
        },
    )


@staff_view(read=PARTNER, write=PARTNER)
def pledge_create(request):
    partner = partner_of_user(user=request.user)
    form = PledgeForm(request.POST or None, request.FILES or None)
    if partner is None:
        # Auditors and admins may open the page; only a company can pledge.
        messages.warning(request, _("Akun ini belum terhubung dengan perusahaan mitra."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge = csr.pledge_create(
                partner=partner,
                kind=data["kind"],
                title=data["title"],
                total_amount=data["total_amount"],
                programme=data["programme"],
                area=data["area"],
                agreement_number=data["agreement_number"],
                agreement_document=data["agreement_document"],
                schedule=data["schedule"],
                goods=data["goods"],
                actor=request.user,
            )
        except DonorError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Janji disimpan sebagai draf."))
            return redirect("donors:pledge_detail", pledge.pk)
    return render(
        request,
        "donors/form.html",
        {"form": form, "title": _("Janji sumbangan baru"), "multipart": True},
    )


@staff_view(read=[*PARTNER, *STAFF_READ])
def pledge_detail(request, pk: int):
    pledge = _get_pledge_for_user(request, pk)
    from funds.models import Fund

    return render(
        request,
        "donors/csr/pledge_detail.html",
        {
            "pledge": pledge,
            "instalments": pledge.instalments.all(),
            "goods": pledge.goods.prefetch_related("handovers"),
            "payments": payments_of_pledge(pledge=pledge),
            "transfers": pledge.transfers.all(),
            "is_owner": pledge.partner.user_id == request.user.pk,
            "is_manager": Role.FUND_MANAGER in request.user.roles,
            "funds": Fund.objects.filter(is_active=True, restriction="unrestricted"),
            "locations": _bank_locations(),
            "amount_form": AmountForm(),
            "transfer_form": TransferForm(),
            "reason_form": ReasonForm(),
            "card_enabled": payments.gateway.is_enabled(),
            "today": timezone.localdate(),
        },
    )


def _bank_locations():
    from funds.models import MoneyLocation

    return MoneyLocation.objects.filter(is_active=True, kind=MoneyLocation.Kind.BANK)


def _transition(request, pk: int, action):
    pledge = _get_pledge_for_user(request, pk, write=True)
    try:
        action(pledge)
    except DonorError as exc:
        _error(request, exc)
    return redirect("donors:pledge_detail", pledge.pk)


@staff_view(read=PARTNER, write=PARTNER, post_only=True)
def pledge_submit(request, pk: int):
    return _transition(request, pk, lambda p: csr.pledge_submit(pledge=p, actor=request.user))


@staff_view(read=STAFF_READ, write=MANAGER, post_only=True)
def pledge_accept(request, pk: int):
    from funds.models import Fund

    fund = Fund.objects.filter(pk=request.POST.get("fund") or None).first()
    return _transition(
        request, pk, lambda p: csr.pledge_accept(pledge=p, fund=fund, actor=request.user)
    )


@staff_view(read=[*PARTNER, *STAFF_READ], write=[*PARTNER, *MANAGER], post_only=True)
def pledge_cancel(request, pk: int):
    reason = request.POST.get("reason", "")
    return _transition(
        request, pk, lambda p: csr.pledge_cancel(pledge=p, reason=reason, actor=request.user)
    )


# --- Paying a pledge -------------------------------------------------------------------------
@staff_view(read=PARTNER, write=PARTNER, post_only=True)
def pledge_pay(request, pk: int):
    """Start a card payment of part of a pledge and go to its card page."""
    pledge = _get_pledge_for_user(request, pk, write=True)
    if pledge.partner.user_id != request.user.pk:
        raise Http404
    form = AmountForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("amount", []):
            messages.error(request, error)
        return redirect("donors:pledge_detail", pledge.pk)
    try:
        payment = payments.online_payment_start(
            donor=pledge.partner.donor,
            fund=pledge.fund,
            amount=form.cleaned_data["amount"],
            pledge=pledge,
            actor=request.user,
        )
    except DonorError as exc:
        _error(request, exc)
        return redirect("donors:pledge_detail", pledge.pk)
    return redirect("donors:payment_page", payment.token)


@staff_view(read=PARTNER, write=PARTNER)
def transfer_submit(request, pk: int):
    pledge = _get_pledge_for_user(request, pk, write=request.method == "POST")
    form = TransferForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            csr.transfer_submit(
                pledge=pledge,
                amount=form.cleaned_data["amount"],
                transferred_on=form.cleaned_data["transferred_on"],
                proof=form.cleaned_data["proof"],
                actor=request.user,
            )
        except DonorError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Bukti transfer terkirim; pengelola dana akan memeriksanya.")
            )
            return redirect("donors:pledge_detail", pledge.pk)
    return render(
        request,
        "donors/form.html",
        {"form": form, "title": _("Kirim bukti transfer"), "multipart": True},
    )


@staff_view(read=STAFF_READ, write=MANAGER, post_only=True)
def transfer_confirm(request, pk: int):
    from funds.models import MoneyLocation

    transfer = _get_transfer_for_user(request, pk)
    location = MoneyLocation.objects.filter(pk=request.POST.get("location") or None).first()
    try:
        if location is None:
            raise DonorError(_("Pilih rekening penerima transfer."))
        csr.transfer_confirm(transfer=transfer, location=location, actor=request.user)
    except DonorError as exc:
        _error(request, exc)
    return redirect("donors:pledge_detail", transfer.pledge_id)


@staff_view(read=STAFF_READ, write=MANAGER, post_only=True)
def transfer_reject(request, pk: int):
    transfer = _get_transfer_for_user(request, pk)
    try:
        csr.transfer_reject(
            transfer=transfer, reason=request.POST.get("reason", ""), actor=request.user
        )
    except DonorError as exc:
        _error(request, exc)
    return redirect("donors:pledge_detail", transfer.pledge_id)


@staff_view(read=[*PARTNER, *STAFF_READ])
def transfer_proof(request, pk: int):
    transfer = _get_transfer_for_user(request, pk)
    return stored_file_response(request, transfer.proof, filename=f"bukti-transfer-{transfer.pk}")


# --- Partners --------------------------------------------------------------------------------
@staff_view(read=[*PARTNER, *STAFF_READ])
def partner_document(request, pk: int):
    partner = _get_partner_for_user(request, pk)
    if partner.document is None:
        raise Http404
    return stored_file_response(request, partner.document, filename=f"dokumen-mitra-{partner.pk}")


@staff_view(read=STAFF_READ, write=MANAGER, post_only=True)
def partner_verify(request, pk: int):
    partner = _get_partner_for_user(request, pk)
    try:
        csr.partner_verify(
            partner=partner,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except DonorError as exc:
        _error(request, exc)
    return redirect("donors:csr_home")


# --- Goods in kind ---------------------------------------------------------------------------
@staff_view(read=STAFF_READ, write=MANAGER, post_only=True)
def goods_receive(request, pk: int):
    from core.money import MoneyError, parse_amount

    item = _get_goods_for_user(request, pk)
    try:
        try:
            valuation = parse_amount(request.POST.get("valuation", ""))
            received_on = _date(request.POST.get("date"))
        except (MoneyError, ValueError) as exc:
            raise DonorError(str(exc)) from None
        csr.goods_receive(
            item=item,
            bast_number=request.POST.get("bast", ""),
            received_on=received_on,
            valuation=valuation,
            actor=request.user,
        )
    except DonorError as exc:
        _error(request, exc)
    return redirect("donors:pledge_detail", item.pledge_id)


@staff_view(read=STAFF_READ, write=MANAGER)
def goods_hand_on(request, pk: int):
    """Hand a received goods line on: to a household found by search, or a public facility."""
    from beneficiaries.models import Household
    from beneficiaries.selectors import household_search

    item = _get_goods_for_user(request, pk)
    # A NIK or KK number is searched by POST, never carried in a URL (history, logs).
    searching = request.method == "POST" and "search" in request.POST
    if searching:
        require_write(request, MANAGER)
    handing_on = request.method == "POST" and not searching
    form = HandOnForm(request.POST if handing_on else None, initial={"recipient": "household"})
    household_pk = request.POST.get("household") or request.GET.get("household")
    household = (
        Household.objects.select_related("village").filter(pk=_int(household_pk)).first()
        if household_pk and not searching
        else None
    )
    q = request.POST.get("q", "").strip() if searching else ""
    found = household_search(q=q)[:20] if q else []
    if handing_on:
        require_write(request, MANAGER)
        if form.is_valid():
            data = form.cleaned_data
            to_household = data["recipient"] == "household"
            try:
                if to_household and household is None:
                    raise DonorError(_("Cari dan pilih rumah tangga penerima dulu."))
                handover = csr.goods_hand_on(
                    item=item,
                    quantity=data["quantity"],
                    bast_number=data["bast_number"],
                    date=data["date"],
                    actor=request.user,
                    household=household if to_household else None,
                    programme=data["programme"] if to_household else "",
                    facility_name="" if to_household else data["facility_name"],
                    desa="" if to_household else data.get("village_code") or "",
                    photos=request.FILES.getlist("photos"),
                )
            except DonorError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Penyerahan %(b)s dicatat.") % {"b": handover.bast_number}
                )
                return redirect("donors:pledge_detail", item.pledge_id)
    return render(
        request,
        "donors/csr/hand_on.html",
        {
            "item": item,
            "form": form,
            "household": household,
            "found": found,
            "q": q,
            "handovers": _with_village_names(
                item.handovers.select_related("delivery").prefetch_related("photos")
            ),
            "photos_max": csr.HANDOVER_PHOTOS_MAX,
        },
    )


def _with_village_names(handovers) -> list[GoodsHandover]:
    """Attach each hand-on's village name, all read in one query (not one per row)."""
    from beneficiaries.selectors import village_names

    handovers = list(handovers)
    names = village_names(codes={h.desa for h in handovers})
    for h in handovers:
        h.village_label = names.get(h.desa, (h.desa, ""))[0]
    return handovers


def _get_handover_for_user(request: HttpRequest, pk: int) -> GoodsHandover:
    """Staff see every hand-on; a partner only its own goods given to a facility."""
    handover = get_object_or_404(
        GoodsHandover.objects.select_related(
            "item__pledge__partner", "delivery__programme", "delivery__household"
        ),
        pk=pk,
    )
    if not _staff(request.user) and (
        handover.item.pledge.partner.user_id != request.user.pk
        or handover.recipient_kind != GoodsHandover.Recipient.FACILITY
    ):
        # A household's hand-on names the family: not for the company's eyes.
        raise Http404
    return handover


@staff_view(read=[*PARTNER, *STAFF_READ])
@official_document
def handover_bast(request, pk: int):
    from donors.csr_documents import handover_bast_pdf

    handover = _get_handover_for_user(request, pk)
    return pdf_response(handover_bast_pdf(handover), f"bast-serah-{handover.pk}")


@staff_view(read=[*PARTNER, *STAFF_READ])
def handover_photo(request, pk: int):
    photo = get_object_or_404(GoodsHandoverPhoto.objects.select_related("stored"), pk=pk)
    handover = _get_handover_for_user(request, photo.handover_id)
    return stored_file_response(request, photo.stored, filename=f"serah-barang-{handover.pk}")


def _date(text):
    from core.dates import parse_date

    return parse_date(text)  # a DateError (ValueError) says what to type


@staff_view(read=[*PARTNER, *STAFF_READ])
def goods_photo(request, pk: int):
    item = _get_goods_for_user(request, pk)
    if item.handover_photo is None:
        raise Http404
    return stored_file_response(request, item.handover_photo, filename=f"serah-barang-{item.pk}")


# --- Impact reports --------------------------------------------------------------------------
@staff_view(read=[*PARTNER, *STAFF_READ])
def pledge_report(request, pk: int):
    pledge = _get_pledge_for_user(request, pk)
    impact = pledge_impact(pledges=[pledge])
    if request.GET.get("format") == "pdf":
        from donors.csr_documents import impact_pdf

        return pdf_response(
            impact_pdf(title=pledge.title, partner=pledge.partner, impact=impact),
            f"laporan-dampak-janji-{pledge.pk}",
        )
    return render(
        request,
        "donors/csr/report.html",
        {"pledge": pledge, "partner": pledge.partner, "impact": impact},
    )


@staff_view(read=[*PARTNER, *STAFF_READ])
def impact_photo(request, pk: int, evidence: int):
    """A before/after photo of a house the pledge paid for, only with the household's consent."""
    from donors.csr_documents import impact_photo_jpeg
    from donors.csr_selectors import impact_photo as photo_of

    pledge = _get_pledge_for_user(request, pk)
    stored = photo_of(pledge=pledge, evidence_id=evidence)
    if stored is None:
        raise Http404
    try:
        jpeg = impact_photo_jpeg(stored)
    except FileNotFoundError:
        raise Http404 from None  # removed under its retention
    response = HttpResponse(jpeg, content_type="image/jpeg")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view(read=[*PARTNER, *STAFF_READ])
def partner_report(request, pk: int):
    partner = _get_partner_for_user(request, pk)
    impact = pledge_impact(pledges=pledges_for(partner=partner))
    if request.GET.get("format") == "pdf":
        from donors.csr_documents import impact_pdf

        return pdf_response(
            impact_pdf(title=_("Semua janji"), partner=partner, impact=impact),
            f"laporan-dampak-mitra-{partner.pk}",
        )
    return render(request, "donors/csr/report.html", {"partner": partner, "impact": impact})


@staff_view(read=[*PARTNER, *STAFF_READ])
def partner_receipt(request, pk: int):
    from donors.documents import receipts_pdf

    receipt = get_object_or_404(
        Receipt.objects.select_related("contribution__donor__partner"), pk=pk
    )
    partner = getattr(receipt.contribution.donor, "partner", None)
    if not _staff(request.user) and (partner is None or partner.user_id != request.user.pk):
        raise Http404
    return pdf_response(
        receipts_pdf([receipt]), f"tanda-terima-{receipt.year}-{receipt.number:06d}"
    )


# --- Card payment pages (partner and public), reached by the payment's secret link -------------
def _payment(token: str) -> OnlinePayment:
    return get_object_or_404(
        OnlinePayment.objects.select_related("contribution__receipt", "pledge"), token=token
    )


@public_view
def payment_page(request, token: str):
    payment = _payment(token)
    return render(
        request,
        "donors/csr/payment.html",
        {
            "payment": payment,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        },
    )


@public_view
def payment_api(request, token: str):
    """GET: the payment's state for the page to poll. POST: the card token from Stripe.js.

    Neither books anything: money moves only when Stripe's signed webhook says so.
    """
    payment = _payment(token)
    if request.method == "POST":
        try:
            result = payments.online_payment_card(
                payment=payment, card=request.POST.get("card", "")
            )
        except DonorError as exc:
            return JsonResponse({"error": exc.message}, status=400)
        return JsonResponse(result)
    receipt = getattr(payment.contribution, "receipt", None) if payment.contribution else None
    return JsonResponse(
        {
            "status": payment.status,
            "label": payment.get_status_display(),
            "receipt": receipt.code if receipt else "",
            "receipt_url": _receipt_url(receipt) if receipt else "",
        }
    )


def _receipt_url(receipt) -> str:
    from django.urls import reverse

    return reverse("donors:receipt_verify", args=[receipt.token])


# --- Public giving (only with a PUB permit) ------------------------------------------------------
@public_view
def public_giving(request):
    org = get_organisation()
    if (
        not org.pub_permit_number
        or not settings.PUBLIC_GIVING_FUND
        or not payments.gateway.is_enabled()
    ):
        # Without a PUB permit there is no public appeal: no form, only where to give otherwise.
        return render(request, "donors/csr/public_giving_closed.html", {"org": org})
    form = PublicGiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from funds.models import Fund

        data = form.cleaned_data
        named = bool(data["show_name"])
        try:
            fund = Fund.objects.get(code=settings.PUBLIC_GIVING_FUND)
            donor = Donor.objects.create(
                kind=Donor.Kind.INDIVIDUAL,
                name=(data["name"] or "").strip() or "Hamba Allah",
                email=data["email"] or "",
                display=Donor.Display.NAMED if named else Donor.Display.ANONYMOUS,
                name_consent_on=timezone.localdate() if named else None,
            )
            payment = payments.online_payment_start(
                donor=donor, fund=fund, amount=data["amount"], actor=None
            )
        except DonorError as exc:
            form.add_error("amount", exc.message)
        else:
            return redirect("donors:payment_page", payment.token)
    return render(request, "donors/csr/public_giving.html", {"form": form, "org": org})


# --- Refunds and disputes the fund could not cover -------------------------------------------
SETTLE = [Role.FUND_MANAGER, Role.TREASURER]


def _get_movement(pk: int) -> GatewayMovement:
    return get_object_or_404(
        GatewayMovement.objects.select_related(
            "payment__donor",
            "payment__fund",
            "payment__location",
            "transaction",
            "cover_fund",
            "cover_location",
            "proposed_by",
            "settled_by",
        ).filter(payment__isnull=False),
        pk=pk,
    )


@staff_view(read=STAFF_READ)
def movement_list(request):
    from core.tables import RequestConfig
    from donors.tables import GatewayMovementTable

    status = request.GET.get("status", GatewayMovement.Status.PENDING)
    rows = GatewayMovement.objects.select_related("payment__donor", "payment__fund").filter(
        payment__isnull=False
    )
    if status in GatewayMovement.Status.values:
        rows = rows.filter(status=status)
    table = GatewayMovementTable(rows)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "donors/csr/movement_list.html",
        {"table": table, "status": status, "statuses": GatewayMovement.Status.choices},
    )


@staff_view(read=STAFF_READ)
def movement_detail(request, pk: int):
    from funds.models import Fund, MoneyLocation

    movement = _get_movement(pk)
    fund_short = location_short = None
    if movement.status == GatewayMovement.Status.PENDING:
        fund_short, location_short = payments.cover_shortfall(movement)
    return render(
        request,
        "donors/csr/movement_detail.html",
        {
            "movement": movement,
            "payment": movement.payment,
            "fund_short": fund_short,
            "location_short": location_short,
            "funds": Fund.objects.filter(is_active=True, restriction="unrestricted").exclude(
                pk=movement.payment.fund_id
            ),
            "locations": MoneyLocation.objects.filter(is_active=True).exclude(
                pk=movement.payment.location_id
            ),
            "reason_form": ReasonForm(),
        },
    )


def _settle(request, pk: int, action) -> HttpResponse:
    movement = _get_movement(pk)
    try:
        action(movement)
    except DonorError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Tersimpan."))
    return redirect("donors:movement_detail", movement.pk)


@staff_view(read=STAFF_READ, write=SETTLE, post_only=True)
def movement_book(request, pk: int):
    return _settle(
        request, pk, lambda m: payments.gateway_movement_book(movement=m, actor=request.user)
    )


@staff_view(read=STAFF_READ, write=MANAGER, post_only=True)
def movement_propose(request, pk: int):
    from funds.models import Fund, MoneyLocation

    fund = Fund.objects.filter(pk=_int(request.POST.get("fund"))).first()
    location = MoneyLocation.objects.filter(pk=_int(request.POST.get("location"))).first()
    return _settle(
        request,
        pk,
        lambda m: payments.gateway_movement_cover_propose(
            movement=m,
            fund=fund,
            location=location,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        ),
    )


@staff_view(read=STAFF_READ, write=SETTLE, post_only=True)
def movement_approve(request, pk: int):
    return _settle(
        request,
        pk,
        lambda m: payments.gateway_movement_cover_approve(
            movement=m,
            actor=request.user,
            # The proposal as the approver saw it; a changed one is refused.
            seen=(
                _int(request.POST.get("cover_fund")),
                _int(request.POST.get("cover_location")),
                request.POST.get("cover_reason", ""),
            ),
        ),
    )


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


# --- The webhook ----------------------------------------------------------------------------
@csrf_exempt
@public_view(post_only=True)
def stripe_webhook(request):
    """Stripe's deliveries: 400 for anything unsigned, tampered or stale; nothing recorded."""
    try:
        outcome = payments.gateway_event_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except payments.WebhookRefused as exc:
        log.warning("stripe webhook refused: %s", exc)
        return HttpResponse(status=400)
    except DonorError as exc:
        # Stripe retries a 5xx: the books refused now (e.g. a closed period), nothing is kept.
        log.error("stripe webhook not booked: %s", exc)
        return HttpResponse(status=500)
    return HttpResponse(outcome, content_type="text/plain")
