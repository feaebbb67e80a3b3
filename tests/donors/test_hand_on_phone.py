"""The goods hand-on page on a phone: what was handed on reads as cards, nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.beneficiaries.test_browser import _browser_as
from tests.donors.test_goods_hand_on import png, received_computers, to_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOWING = (
    "[...document.querySelectorAll('main *')]"
    ".filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')"
    ".map(e => e.tagName + '.' + e.className)"
)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_goods_already_handed_on_fit_the_screen_with_every_cell_labelled(
    live_server, browser, partner, personas, width
):
    from beneficiaries.models import Region
    from beneficiaries.regions import load_regions

    load_regions(Region)
    manager = personas["fund_manager"]
    item = received_computers(partner, manager)
    to_facility(item, manager, 3, "BAST/K/2026/0001", photos=[png(), png()])
    to_facility(item, manager, 1, "BAST/K/2026/0002", facility_name="Puskesmas Sambirejo II")

    context, page = _browser_as(
        browser, live_server, manager, viewport={"width": width, "height": 800}
    )
    page.goto(f"{live_server.url}/donatur/mitra/barang/{item.pk}/serahkan/")
    table = page.get_by_test_id("handovers")
    assert table.locator("tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWING) == []
    # Every cell says what it is, so a row read as a card on a phone keeps its meaning.
    labels = (
        table.locator("tbody tr")
        .first.locator("td")
        .evaluate_all("cells => cells.map(c => c.dataset.label)")
    )
    assert labels == ["BAST", "Penerima", "Jumlah", "Taksiran", "Tanggal", "Foto"]
    first = table.locator("tbody tr").first
    if width == 390:
        # A card: the cells stack, the amount is under the recipient, not beside it.
        assert (
            first.locator("td").nth(3).bounding_box()["y"]
            > first.locator("td").nth(1).bounding_box()["y"]
        )
    assert first.get_by_role("link", name="foto 2").is_visible()
    context.close()
