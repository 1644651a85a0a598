"""Text that is translated later, in the language of whoever reads it (e.g. each notification's recipient)."""

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, pgettext_lazy


def later(msgid: str, **params) -> Promise:
    """`later(gettext_noop("Accepted: %(title)s"), title=…)`: formatted when it is turned into text, so that
    notify() renders it in each recipient's language. Parameters may themselves be lazy."""
    return lazy(lambda: gettext(msgid) % {k: str(v) for k, v in params.items()}, str)()


# The classification bands' labels are the bloc's own words, stored in Vietnamese because the official documents
# print them so; on screen the standard ones are shown in the reader's language, any other label as it is.
GRADES = {
    "Xuất sắc": pgettext_lazy("classification", "Excellent"),
    "Tốt": pgettext_lazy("classification", "Good"),
    "Khá": pgettext_lazy("classification", "Fair"),
    "Trung bình": pgettext_lazy("classification", "Average"),
    "Không hoàn thành": pgettext_lazy("classification", "Not completed"),
}


def grade_label(label):
    """A classification label ("Xuất sắc") in the active language ("Excellent" in English)."""
    if not label:
        return label
    return str(GRADES.get(str(label), label))
