"""Form pieces shared by every feature: the CSRF-only form, choices, the checkbox list, service errors on fields."""
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class EmptyForm(FlaskForm):
    """For buttons that POST: carries the CSRF token only."""


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def select_choices(pairs):
    """(value, label) pairs as WTForms SelectChoice objects (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def value_choices(values, blank=None):
    """Choices whose label is their value, after an optional blank one labelled `blank`."""
    return select_choices(([("", blank)] if blank else []) + [(value, value) for value in values])


def attach_errors(form, errors, skip=("csrf_token",)):
    """Put a service's field errors (ValidationFailed.errors) on the form's fields; return the messages no
    field took (to flash or show above the form)."""
    rest = []
    for key, message in (errors or {}).items():
        field = form._fields.get(key)
        if field is None or key in skip:
            rest.append(message)
        else:
            field.errors = list(field.errors) + [message]
    return rest


def service_errors(form, err):
    """Put a ValidationFailed's field errors on the form; return what to show above it: the messages no
    field took, or the error's own message when it named no field."""
    return attach_errors(form, err.errors) or ([] if err.errors else [err.message])
