"""Form helpers shared by every app."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH

EMPTY_LABEL = "（请选择）"
_DASHES = BLANK_CHOICE_DASH[0][1]


class DayInput(forms.DateInput):
    """A browser date picker (<input type="date">), its value always ISO (2026-12-01) as the
    picker requires: Django's localized date format (2026/12/01) leaves it blank."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def empty_labels_in_words(form: forms.BaseForm, label: str = EMPTY_LABEL) -> None:
    """Replace Django's `---------` empty choice of every select of the form with words."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == _DASHES:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField):
            choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
            if choices and choices[0][0] in ("", None) and choices[0][1] == _DASHES:
                field.choices = [("", label), *choices[1:]]


def service_errors_on_form(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal (ValidationError) shown on the form: on the fields it names where the
    form has them, else above the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def is_number_text(value: object, *, max_length: int = 18) -> bool:
    """The text is a plain decimal number (ASCII digits only: "²" and "١" are digits to
    `str.isdigit` but not to `int`), short enough to be an id or a year."""
    text = str(value)
    return 0 < len(text) <= max_length and text.isascii() and text.isdigit()
