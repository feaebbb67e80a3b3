"""Dates are typed and shown as dd/mm/yyyy whatever the language of the screen or browser."""

import copy
import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms

from core.dates import DateError, DateField, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2026", dt.date(2026, 12, 31)),
        ("1/2/2026", dt.date(2026, 2, 1)),  # 1 February, never January 2
        ("01-02-2026", dt.date(2026, 2, 1)),
        ("01.02.2026", dt.date(2026, 2, 1)),
        (" 2026-12-31 ", dt.date(2026, 12, 31)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_it_reads_indonesian_and_iso_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("31/02/2026", "tidak ada di kalender"),
        ("29/02/2026", "tidak ada di kalender"),
        ("2026-13-01", "tidak ada di kalender"),
        ("00/01/2026", "tidak ada di kalender"),
        ("besok", "hh/bb/tttt"),
        ("12/31", "hh/bb/tttt"),
        ("31/12/26", "hh/bb/tttt"),
        ("", "hh/bb/tttt"),
    ],
)
def test_a_bad_date_is_refused_with_a_message_that_says_what_to_type(text, says):
    with pytest.raises(DateError, match=says):
        parse_date(text)


def test_the_field_reads_day_first_even_on_an_english_screen(settings):
    from django.utils import translation

    with translation.override("en"):
        field = DateField()
        assert field.clean("01/02/2026") == dt.date(2026, 2, 1)
        with pytest.raises(forms.ValidationError) as err:
            field.clean("31/02/2026")
        assert "31/02/2026" in str(err.value)
        # Even a plain Django date field elsewhere reads day first (config/formats).
        assert forms.DateField().clean("01/02/2026") == dt.date(2026, 2, 1)


def test_the_widget_shows_the_date_as_dd_mm_yyyy_in_a_text_field():
    html = DateField().widget.render("d", dt.date(2026, 12, 31))
    assert 'type="text"' in html and 'value="31/12/2026"' in html
    assert 'placeholder="hh/bb/tttt"' in html and "pattern=" in html
    assert 'type="date"' not in html


def _project_form_classes():
    import django_filters

    for app in ("core", "funds", "donors", "beneficiaries", "disbursements", "transparency"):
        package = importlib.import_module(app)
        for info in pkgutil.iter_modules(package.__path__):
            if not any(w in info.name for w in ("forms", "filters")):
                continue
            module = importlib.import_module(f"{app}.{info.name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__:
                    continue
                if issubclass(cls, forms.BaseForm):
                    yield cls, cls.base_fields
                elif issubclass(cls, django_filters.FilterSet):
                    # A copy: building the field on the class's own filter would freeze
                    # choices that a FilterSet fills in per instance.
                    yield cls, {n: copy.deepcopy(f).field for n, f in cls.base_filters.items()}


@pytest.mark.django_db
def test_every_date_field_in_the_project_is_a_day_first_text_field():
    seen = 0
    for cls, fields in _project_form_classes():
        for name, field in fields.items():
            if type(field) is forms.DateField and name == "month":
                continue  # a month picker (yyyy-mm), not a date
            if isinstance(field, forms.DateField):
                seen += 1
                assert isinstance(field, DateField), f"{cls.__name__}.{name}"
                assert field.widget.input_type == "text", f"{cls.__name__}.{name}"
    assert seen >= 15


def test_no_template_or_form_uses_the_browsers_date_picker():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("*/*.py")]:
        if ".venv" in path.parts or path.parts[-2] == "tests" or path.name == "dates.py":
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if 'type="date"' in text or '"type": "date"' in text or 'input_type = "date"' in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
