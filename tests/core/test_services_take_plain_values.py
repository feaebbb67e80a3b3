"""Services take plain values, so the command line, a task and a view meet the same rules."""

import inspect

import pytest

from core import services as core_services
from core.models import AuditEntry, Organisation
from core.organisation import get_organisation
from core.services import OrganisationError, organisation_update


def _service_modules():
    import importlib

    for app in ("core", "funds", "donors", "beneficiaries", "disbursements", "transparency"):
        try:
            yield importlib.import_module(f"{app}.services")
        except ModuleNotFoundError:
            continue


def test_no_service_takes_a_form():
    offenders = []
    for module in _service_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if "form" in inspect.signature(function).parameters:
                offenders.append(f"{module.__name__}.{name}")
    assert offenders == []


def test_the_organisation_profile_is_set_with_plain_values_and_audited(personas):
    org = organisation_update(
        actor=personas["admin"],
        name=" UPTPK Kabupaten Sragen ",
        legal_status=Organisation.LegalStatus.LKS,
        npwp="01.234.567.8-528.000",
        signatory_nip="196805121994031007",
    )
    assert org.name == "UPTPK Kabupaten Sragen"
    assert get_organisation().legal_status == Organisation.LegalStatus.LKS
    entry = AuditEntry.objects.filter(action="core.organisation.updated").latest("pk")
    assert entry.changes["legal_status"][1] == "lks"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"legal_status": "zakat_body", "zakat_license_number": ""}, "zakat_license_number"),
        ({"npwp": "123"}, "npwp"),
        ({"signatory_nip": "12ab"}, "signatory_nip"),
        ({"treasurer_signatory_nip": "1234567890"}, "treasurer_signatory_nip"),
        ({"name": "  "}, "name"),
        ({"legal_status": "kerajaan"}, "legal_status"),
    ],
)
def test_the_organisation_rules_hold_outside_the_form(personas, values, field):
    before = get_organisation().legal_status
    with pytest.raises(OrganisationError) as refused:
        organisation_update(actor=personas["admin"], **values)
    assert refused.value.field == field
    assert get_organisation().legal_status == before


def test_an_unknown_profile_field_is_a_programming_error(personas):
    with pytest.raises(TypeError):
        organisation_update(actor=personas["admin"], is_staff=True)
    assert not hasattr(core_services, "organisation_save")
