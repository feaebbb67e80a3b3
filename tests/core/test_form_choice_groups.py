"""Forms with a group of checkboxes or radios show one labelled box per choice (readable on a phone)."""

import re

from django import forms
from django.template.loader import render_to_string


class _Visit(forms.Form):
    met = forms.MultipleChoiceField(
        label="Kriteria terpenuhi",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("1", "Lantai tanah, bambu atau kayu murahan"), ("2", "Tidak ada listrik")],
    )
    grade = forms.ChoiceField(
        label="Tingkat", widget=forms.RadioSelect, choices=[("a", "Melati"), ("b", "Mawar")]
    )


def _render(form) -> str:
    return render_to_string("includes/form.html", {"form": form})


def test_a_checkbox_group_renders_each_choice_as_a_bootstrap_check_with_its_own_label():
    html = _render(_Visit())
    assert "<legend" in html and "Kriteria terpenuhi" in html
    boxes = re.findall(
        r'<input class="form-check-input" type="checkbox" name="met" value="(\d)" id="([^"]+)"',
        html,
    )
    assert [value for value, _ in boxes] == ["1", "2"]
    for _, input_id in boxes:
        assert f'<label class="form-check-label" for="{input_id}">' in html
    # The group is not wrapped as one single checkbox (that squeezed the labels on a phone).
    assert 'class="mb-3 form-check"' not in html


def test_a_checkbox_group_keeps_the_ticks_the_user_made_when_the_form_comes_back():
    html = _render(_Visit(data={"met": ["2"], "grade": "a"}))
    assert re.search(r'value="2" id="[^"]+" checked', html)
    assert not re.search(r'value="1" id="[^"]+" checked', html)


def test_a_required_radio_group_marks_itself_and_says_what_is_missing():
    form = _Visit(data={})
    form.is_valid()
    html = _render(form)
    assert 'type="radio" name="grade"' in html and " required" in html
    assert 'class="form-check-input is-invalid"' in html
    assert 'class="invalid-feedback d-block"' in html
    assert "form-control" not in html
