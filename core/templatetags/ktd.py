"""Template helpers: permission checks and the small formatting rules of the product."""

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.i18n import grade_label
from core.permissions import can as _can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """`{% can "blocs.year.view" year as ok %}`."""
    return _can(context["request"].user, action, obj)


@register.simple_tag
def form_max_bytes():
    """What a form may send at once besides its files (DATA_UPLOAD_MAX_MEMORY_SIZE), for app.js's check."""
    from django.conf import settings

    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@register.filter
def days_left(when):
    """'Còn N ngày' / 'Hôm nay' / 'Quá hạn N ngày' for a deadline."""
    if when is None:
        return ""
    today = timezone.localdate()
    day = timezone.localtime(when).date() if isinstance(when, datetime.datetime) else when
    delta = (day - today).days
    if delta == 0:
        return _("Due today")
    if delta > 0:
        return ngettext("%(n)d day left", "%(n)d days left", delta) % {"n": delta}
    return ngettext("Overdue by %(n)d day", "Overdue by %(n)d days", -delta) % {"n": -delta}


@register.filter
def calendar_days(when):
    """A calendar's words for a date: 'N days left' / 'Due today' ahead, 'N days ago' once passed. Not "overdue":
    whether anyone is late is each unit's answer, which the home, the matrix and the reminders show."""
    if when is None:
        return ""
    day = timezone.localtime(when).date() if isinstance(when, datetime.datetime) else when
    delta = (day - timezone.localdate()).days
    if delta >= 0:
        return days_left(when)
    return ngettext("%(n)d day ago", "%(n)d days ago", -delta) % {"n": -delta}


@register.filter
def dmy(value):
    """dd/mm/yyyy for a date or an aware datetime, whatever the active language."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@register.filter
def is_past(when):
    return when is not None and when < timezone.now()


@register.filter
def basename(path):
    return str(path).rsplit("/", 1)[-1]


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def points(value):
    """Points the Vietnamese way: 7,5 / 100 / 0 (no trailing zeros, a decimal comma)."""
    from decimal import Decimal

    if value is None or value == "":
        return "0"
    number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    text = f"{number:f}"
    return text.replace(".", ",")


@register.filter
def deduction(value):
    """A deduction as "−7,5", and a plain "0" when nothing is deducted (never "−0")."""
    text = points(value)
    return text if text == "0" else f"−{text}"


@register.filter
def grade(label):
    """A classification label ("Xuất sắc") in the reader's language ("Excellent" in English)."""
    return grade_label(label)


@register.filter
def document_date(record):
    """The date an issued document bears (its `dated`, `issued_on` or the meeting's day), not when it was issued in
    the application; None when it has none."""
    for name in ("dated", "issued_on", "held_at"):
        value = getattr(record, name, None)
        if value:
            if isinstance(value, datetime.datetime):
                return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
            return value
    return None


@register.filter
def points_or_dash(value):
    if value is None or value == "" or value == "–":
        return "–"
    return points(value)


@register.filter
def setting(year, key):
    """A rule of the bloc for this year: `{{ year|setting:"bonus_cap" }}`."""
    return year.setting(key)
