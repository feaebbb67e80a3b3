"""A restricted fund's area codes are checked by fund_create, whoever calls it."""

import pytest

from funds.errors import LedgerError
from funds.models import Fund
from funds.services import fund_create


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    ["33.14.x", "33.1", "3314x", "33..14", "33.14.09.20011", "331", "٣٣.١٤", "33.14.09.", "Sragen"],
)
def test_fund_create_refuses_a_malformed_area_code(org, bad):
    with pytest.raises(LedgerError, match="Kode wilayah tidak sah"):
        fund_create(
            code="rtlh-sragen",
            name="RTLH Sragen",
            restriction=Fund.Restriction.RESTRICTED,
            purpose="Rehab rumah",
            allowed_areas=["33.14", bad],
            actor=None,
        )
    assert not Fund.objects.filter(code="rtlh-sragen").exists()


@pytest.mark.django_db
def test_fund_create_keeps_area_codes_in_the_dotted_kemendagri_form(org):
    fund = fund_create(
        code="rtlh-sragen",
        name="RTLH Sragen",
        restriction=Fund.Restriction.RESTRICTED,
        purpose="Rehab rumah",
        allowed_areas=[" 33 ", "3314", "331409", "3314092001", "33.14.13", "33.14.13", ""],
        actor=None,
    )
    assert fund.allowed_areas == ["33", "33.14", "33.14.09", "33.14.09.2001", "33.14.13"]
