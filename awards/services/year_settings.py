"""What a year's award documents say besides the ballots: the legal bases (căn cứ) its submissions cite."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import EmulationYear
from core.audit import audit
from core.permissions import ensure_can

from ..models import AwardYearSettings
from ..selectors import legal_bases_in_force, legal_bases_reference_day

LEGAL_BASES_MAX = 10
LEGAL_BASIS_MAX_LENGTH = 600
BASIS_OPENING = "căn cứ"


def _basis(line: str) -> str:
    """One basis as the letter prints it: NFC, single spaces, ending with a semicolon."""
    text = " ".join(unicodedata.normalize("NFC", line).split())
    return text if text.endswith((";", ",")) else text.rstrip(".") + ";"


@transaction.atomic
def legal_bases_set(*, year: EmulationYear, lines: list[str], by) -> AwardYearSettings:
    """The year's own legal bases, one a line, each beginning with "Căn cứ"; an empty list, or the very law in force
    by default, lets the year follow the law in force on each letter's date (settings.AWARDS_LEGAL_BASES). Letters
    already issued keep the bases they were issued with."""
    ensure_can(by, "awards.legal_bases.edit", year)
    bases = [_basis(line) for line in lines if line.strip()]
    errors = []
    if len(bases) > LEGAL_BASES_MAX:
        errors.append(_("Give at most %(max)s legal bases.") % {"max": LEGAL_BASES_MAX})
    for number, basis in enumerate(bases, start=1):
        if not basis.casefold().startswith(BASIS_OPENING):
            errors.append(_("Line %(line)s does not begin with “Căn cứ”.") % {"line": number})
        if len(basis) > LEGAL_BASIS_MAX_LENGTH:
            errors.append(
                _("Line %(line)s is longer than %(max)s characters.") % {"line": number, "max": LEGAL_BASIS_MAX_LENGTH}
            )
    if errors:
        raise ValidationError({"bases": errors})
    if bases == legal_bases_in_force(legal_bases_reference_day(year)):
        bases = []
    record, _created = AwardYearSettings.objects.select_for_update().get_or_create(year=year)
    old = list(record.legal_bases)
    record.legal_bases, record.updated_by = bases, by
    record.save()
    audit(by, "awards.legal_bases.saved", record, old=old, new=bases)
    return record
