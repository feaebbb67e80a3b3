"""Arguments for the household URLs (see tests/core/test_url_access.py)."""

import datetime as dt

from beneficiaries.models import (
    Campaign,
    CampaignItem,
    Complaint,
    EmergencyLetter,
    HomeVisit,
    Registration,
    VisitPhoto,
)
from beneficiaries.services import card_issue, complaint_file
from core.roles import Role
from tests.beneficiaries import factories

# A visit is seen by its own verifier, the head, and the implicit readers.
VISIT_READERS = {Role.VERIFIER, Role.HEAD, Role.AUDITOR, Role.ADMIN}


def _household(personas):
    return {"pk": factories.household().pk}


def _visit(personas, *, verifier=None):
    home = factories.household()
    registration = Registration.objects.create(
        household=home, channel="walk_in", status="visit", registered_by=personas[Role.HEAD]
    )
    visit = HomeVisit.objects.create(
        registration=registration, verifier=verifier or personas[Role.VERIFIER]
    )
    return {"pk": visit.pk}, VISIT_READERS


def _other_verifier(personas):
    from tests.conftest import make_user

    return make_user("dewi.verifikator.lain@uji.test", [Role.VERIFIER])


def _other_visit(personas):
    kwargs, _roles = _visit(personas, verifier=_other_verifier(personas))
    return kwargs, VISIT_READERS - {Role.VERIFIER}


def _photo(personas, *, verifier=None):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    kwargs, _roles = _visit(personas, verifier=verifier)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    from core.uploads import stored_file_save

    photo = VisitPhoto.objects.create(
        visit_id=kwargs["pk"],
        file=stored_file_save(
            upload=SimpleUploadedFile("a.png", buffer.getvalue()), purpose="t", allowed=("png",)
        ),
        consent_by="Ibu Sumi",
        uploaded_by=verifier or personas[Role.VERIFIER],
    )
    return {"pk": photo.pk}, VISIT_READERS


def _other_photo(personas):
    kwargs, _roles = _photo(personas, verifier=_other_verifier(personas))
    return kwargs, VISIT_READERS - {Role.VERIFIER}


def _registration(personas):
    home = factories.household(listed=True)
    registration = Registration.objects.create(
        household=home, channel="walk_in", status="awaiting", registered_by=personas[Role.HEAD]
    )
    return {"pk": registration.pk}


def _card(personas):
    return {
        "pk": card_issue(
            household=factories.household(), grade="poor", actor=personas[Role.HEAD]
        ).pk
    }


def _letter(personas):
    import datetime as dt

    letter = EmergencyLetter.objects.create(
        number="SRD/uji/1",
        household=factories.household(),
        reason="disaster",
        description="Banjir",
        valid_from=dt.date.today(),
        valid_until=dt.date.today(),
        issued_by=personas[Role.HEAD],
    )
    return {"pk": letter.pk}


def _check(personas):
    card = card_issue(household=factories.household(), grade="poor", actor=personas[Role.HEAD])
    return {"token": card.check_token}


def _import(personas):
    from beneficiaries.national_list import import_batch_create
    from tests.beneficiaries.test_national_list import csv_bytes

    batch = import_batch_create(
        upload=csv_bytes(),
        filename="dtks.csv",
        source="dtks",
        as_of=dt.date(2025, 6, 30),
        actor=personas[Role.VERIFIER],
    )
    return {"pk": batch.pk}


def _campaign(personas):
    return {"pk": Campaign.objects.create(name="VU", year=2031, created_by=personas[Role.HEAD]).pk}


def _campaign_item(personas):
    campaign = Campaign.objects.create(name="VU", year=2032, created_by=personas[Role.HEAD])
    item = CampaignItem.objects.create(campaign=campaign, household=factories.household())
    return {"pk": item.pk}


def _complaint(personas):
    complaint = complaint_file(
        kind=Complaint.Kind.DISPUTE,
        channel=Complaint.Channel.DESK,
        name="Pak Darmo",
        contact="0812000111",
        description="Tidak dapat kartu.",
    )
    return {"pk": complaint.pk}


SAMPLES = {
    "beneficiaries:household": _household,
    "beneficiaries:household_reveal": _household,
    "beneficiaries:member_add": _household,
    "beneficiaries:letter_create": _household,
    "beneficiaries:visit": _visit,
    "beneficiaries:visit_photo_add": _visit,
    "beneficiaries:visit_photo": _photo,
    "beneficiaries:decide": _registration,
    "beneficiaries:card_pdf": _card,
    "beneficiaries:letter_pdf": _letter,
    "beneficiaries:check": _check,
    "beneficiaries:import_detail": _import,
    "beneficiaries:campaign": _campaign,
    "beneficiaries:campaign_item": _campaign_item,
    "beneficiaries:campaign_add": _campaign,
    "beneficiaries:complaint": _complaint,
    "beneficiaries:complaint_contact": _complaint,
}

# The same URLs asked for ANOTHER user's object (test_url_access.py): a verifier
# asking for another verifier's visit gets 404.
OTHERS = {
    "beneficiaries:visit": _other_visit,
    "beneficiaries:visit_photo_add": _other_visit,
    "beneficiaries:visit_photo": _other_photo,
}
