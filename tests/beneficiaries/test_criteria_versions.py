"""A criteria set changes only by a new version, through an audited service.

The Django admin shows criteria sets read-only: editing a set that visits were
scored with would silently change the basis of decisions already made.
"""

import pytest

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import CriteriaSet
from beneficiaries.services import criteria_set_new_version
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_new_version_replaces_the_set_and_keeps_the_old_one_as_it_was(personas):
    old = CriteriaSet.objects.get(code="bps-14", active=True)
    old_texts = list(old.items.values_list("text", flat=True))
    new = criteria_set_new_version(
        criteria_set=old,
        name="Kriteria BPS (revisi)",
        min_met=2,
        criteria=["Lantai tanah", "Dinding bambu", "  "],
        actor=personas["admin"],
    )
    old.refresh_from_db()
    assert (new.code, new.version, new.active) == ("bps-14", old.version + 1, True)
    assert list(new.items.values_list("order", "text")) == [
        (1, "Lantai tanah"),
        (2, "Dinding bambu"),
    ]
    assert not old.active and list(old.items.values_list("text", flat=True)) == old_texts
    entry = AuditEntry.objects.get(action="beneficiaries.criteria_set.new_version")
    assert entry.actor == personas["admin"] and entry.changes["min_met"] == [old.min_met, 2]


@pytest.mark.parametrize(
    ("name", "min_met", "criteria"),
    [("", 1, ["a"]), ("X", 1, []), ("X", 0, ["a"]), ("X", 3, ["a", "b"])],
)
def test_a_new_version_with_bad_input_is_refused(personas, name, min_met, criteria):
    old = CriteriaSet.objects.get(code="bps-14", active=True)
    with pytest.raises(BeneficiaryError):
        criteria_set_new_version(
            criteria_set=old, name=name, min_met=min_met, criteria=criteria, actor=None
        )
    assert CriteriaSet.objects.filter(code="bps-14").count() == 1


def test_only_the_latest_version_can_be_revised(personas):
    old = CriteriaSet.objects.get(code="bps-14", active=True)
    criteria_set_new_version(criteria_set=old, name="v2", min_met=1, criteria=["a"], actor=None)
    with pytest.raises(BeneficiaryError, match="lebih baru"):
        criteria_set_new_version(criteria_set=old, name="v3", min_met=1, criteria=["b"], actor=None)


def test_the_django_admin_cannot_change_a_criteria_set(personas, login):
    criteria_set = CriteriaSet.objects.get(code="bps-14", active=True)
    client = login(personas["admin"])
    url = f"/admin/beneficiaries/criteriaset/{criteria_set.pk}/change/"
    response = client.post(url, {"name": "diubah", "code": "bps-14", "min_met": 1, "version": 1})
    assert response.status_code == 403
    assert client.post("/admin/beneficiaries/criteriaset/add/", {}).status_code == 403
    criteria_set.refresh_from_db()
    assert criteria_set.name != "diubah"
