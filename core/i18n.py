"""Text that is translated later, in the language of whoever reads it (e.g. each notification's recipient)."""

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext


def later(msgid: str, **params) -> Promise:
    """`later(gettext_noop("Accepted: %(title)s"), title=…)`: formatted when it is turned into text, so that
    notify() renders it in each recipient's language. Parameters may themselves be lazy."""
    return lazy(lambda: gettext(msgid) % {k: str(v) for k, v in params.items()}, str)()
