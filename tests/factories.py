"""Factories for incidental data; the people in tests are personas (conftest.py)."""

import factory

from core.models import AuditEntry, Job, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"pengguna{n}@uji.test")
    full_name = factory.Faker("name", locale="id_ID")
    password = factory.django.Password("rahasia-uji-123")


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = "uji"
    created_by = factory.SubFactory(UserFactory)


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    action = "core.test.written"
    object_type = "core.test"
    object_id = factory.Sequence(str)


def demo_shaped_ledger(personas, *, csr_area: str):
    """Create the demo-shaped funds and money locations, empty, and return them with the people.

    `csr_area` is the kecamatan the earmarked CSR fund may pay in.
    """
    from types import SimpleNamespace

    from funds.models import Fund, MoneyLocation

    matra = Fund.objects.create(code="matra", name="MATRA")
    infak = Fund.objects.create(code="infak-mitra-kenanga", name="Infak Mitra Kenanga")
    csr = Fund.objects.create(
        code="csr-rtlh-sambirejo",
        name="CSR RTLH Kecamatan Sambirejo",
        restriction=Fund.Restriction.RESTRICTED,
        purpose="RTLH Sambirejo",
        allowed_programmes=["rtlh"],
        allowed_areas=[csr_area],
    )
    bank = MoneyLocation.objects.create(
        code="bank-jateng", name="Bank Jateng", kind=MoneyLocation.Kind.BANK
    )
    kas = MoneyLocation.objects.create(code="kas", name="Kas", kind=MoneyLocation.Kind.CASH)
    return SimpleNamespace(
        matra=matra,
        infak=infak,
        csr=csr,
        bank=bank,
        kas=kas,
        manager=personas["fund_manager"],
        treasurer=personas["treasurer"],
        head=personas["head"],
    )
