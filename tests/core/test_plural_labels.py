"""Counted labels read right for one item in English, and stay Indonesian on Indonesian pages."""

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import ngettext


@pytest.mark.parametrize(
    ("msgid", "values", "one", "many"),
    [
        ("%(n)s baris dibayar.", {}, "1 line paid.", "3 lines paid."),
        ("%(n)s baris cocok otomatis.", {}, "1 line matched automatically.", "3 lines matched"),
        ("Batch %(n)s diajukan: %(c)s baris.", {"c": None}, "1 line.", "3 lines."),
    ],
)
def test_a_count_of_one_is_singular_in_english(msgid, values, one, many):
    def say(count):
        params = {"n": count, **dict.fromkeys(values, count)}
        if "c" in values:
            params["n"] = "B-1"
        return ngettext(msgid, msgid, count) % params

    with translation.override("en"):
        assert one in say(1) and many in say(3)
    with translation.override("id"):
        assert "baris" in say(1) and "baris" in say(3)


def test_the_payroll_booking_button_says_row_for_one_row():
    template = Template(
        "{% load i18n %}{% blocktranslate with total='Rp1' count count=n %}Bukukan {{ count }} "
        "baris, {{ total }}{% plural %}Bukukan {{ count }} baris, {{ total }}{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert template.render(Context({"n": 1})) == "Book 1 row, Rp1"
        assert template.render(Context({"n": 20})) == "Book 20 rows, Rp1"
    with translation.override("id"):
        assert template.render(Context({"n": 20})) == "Bukukan 20 baris, Rp1"
