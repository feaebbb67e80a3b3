from django import template
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import formats

from core.crypto import mask_digits
from core.money import format_rupiah
from core.money import terbilang as _terbilang

register = template.Library()


@register.filter
def rupiah(value, sen=None):
    """{{ amount|rupiah }} -> Rp1.500.000"""
    return format_rupiah(value, sen=True if sen == "sen" else None)


@register.filter
def terbilang(value):
    return _terbilang(value) if value not in (None, "") else ""


@register.filter
def tanggal(value):
    """{{ date|tanggal }} -> 17 Agu 2025"""
    return formats.date_format(value, "j M Y") if value else ""


@register.filter
def mask(value):
    return mask_digits(value or "")


@register.simple_tag
def url_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def url_if_allowed(context, name, *args):
    """The URL of a page the current user may open, or "" (so menus never link to a 404)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    access = getattr(resolve(url).func, "kenanga_access", None)
    if access is None or access.public:
        return url
    user = context.get("user")
    if user is None or not user.is_authenticated or not access.may_read(user):
        return ""
    return url


@register.filter
def bootstrap(field):
    """Render a bound field's widget with Bootstrap classes and ARIA state."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type == "checkbox":
        css = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": css + (" is-invalid" if field.errors else "")}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def cell_kind(column):
    """Name the kind of a table column's cells ("date", "money") so that CSS keeps them on one line."""
    import django_tables2 as tables

    inner = getattr(column, "column", None)
    if isinstance(inner, tables.DateColumn | tables.DateTimeColumn):
        return "date"
    css = str(column.attrs.get("td", {}).get("class", ""))
    if "money" in css or "text-end" in css:
        return "money"
    return ""


@register.simple_tag(takes_context=True)
def url_if_writable(context, name, *args):
    """The URL of an action the current user may take, or "" (so no button leads to a 403).

    Use around every form or button that changes something:
    {% url_if_writable 'donors:contribution_reverse' c.pk as cancel_url %}{% if cancel_url %}...
    """
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    access = getattr(resolve(url).func, "kenanga_access", None)
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    if access is None:
        return url
    if not access.may_write(user):
        return ""
    return url


@register.simple_tag(takes_context=True)
def may_write(context, name, *args):
    """True when the current user may change through the named page."""
    return bool(url_if_writable(context, name, *args))


@register.filter
def audit_words(action):
    """Return an audit action in people's words ("Pengguna diundang")."""
    from core.audit_words import action_words

    return action_words(str(action))
