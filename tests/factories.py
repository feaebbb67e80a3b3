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
