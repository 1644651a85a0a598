"""The editor of the vote-count minutes: who counted the votes and who wrote the minutes, one person a line
"name; unit; role" (the role in the words the document prints: Trưởng ban, Thành viên, Thư ký)."""

import unicodedata

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import TextLimits

from ..documents import COUNTING_ROLES, counting_people
from ..models import VoteCountMinutes

NAME_MAX = 150
UNIT_MAX = 200
MAX_PEOPLE = 30


def _key(text: str) -> str:
    """How a role is matched: case, accents' composition and spaces aside ("trưởng  Ban" is "Trưởng ban")."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


ROLE_BY_WORDS = {_key(words): role for role, words in COUNTING_ROLES.items()}


def people_lines(people: list[dict]) -> str:
    """The editor's text of `people`: one "name; unit; role" a line."""
    return "\n".join(
        f"{p.get('name', '')}; {p.get('unit', '')}; {COUNTING_ROLES.get(p.get('role'), '')}" for p in people
    )


def parse_people(text: str) -> tuple[list[dict], list[str]]:
    """(the people, the errors) of the editor's text, each error naming its line; blank lines are skipped. The
    committee needs exactly one Trưởng ban and the minutes exactly one Thư ký."""
    people, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3:
            errors.append(
                _("Line %(line)s: write “name; unit; role”, three parts separated by “;”.") % {"line": number}
            )
            continue
        name, unit, words = parts
        if not name:
            errors.append(_("Line %(line)s: the person's name is missing.") % {"line": number})
        elif len(name) > NAME_MAX:
            errors.append(
                _("Line %(line)s: the name is longer than %(max)s characters.") % {"line": number, "max": NAME_MAX}
            )
        if not unit:
            errors.append(_("Line %(line)s: the person's unit is missing.") % {"line": number})
        elif len(unit) > UNIT_MAX:
            errors.append(
                _("Line %(line)s: the unit is longer than %(max)s characters.") % {"line": number, "max": UNIT_MAX}
            )
        role = ROLE_BY_WORDS.get(_key(words))
        if role is None:
            errors.append(
                _("Line %(line)s: the role must be one of %(roles)s.")
                % {"line": number, "roles": ", ".join(COUNTING_ROLES.values())}
            )
        people.append({"name": name, "unit": unit, "role": role})
    if errors:
        return [], errors
    if len(people) > MAX_PEOPLE:
        errors.append(_("At most %(max)s people.") % {"max": MAX_PEOPLE})
    for role, words in (("chair", COUNTING_ROLES["chair"]), ("secretary", COUNTING_ROLES["secretary"])):
        count = sum(1 for p in people if p["role"] == role)
        if count != 1:
            errors.append(
                _("Exactly one person must be “%(role)s” (there are %(count)s).") % {"role": words, "count": count}
            )
    return ([] if errors else people), errors


class CountingPeopleForm(TextLimits, forms.ModelForm):
    """The vote-counting committee and the secretary of the minutes (`VoteCountMinutes.counting_people`)."""

    people = forms.CharField(
        label=gettext_lazy("Vote-counting committee and secretary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "One person a line: “name; unit; role”, the role one of Trưởng ban, Thành viên, Thư ký (one Trưởng ban, "
            "who signs as TRƯỞNG BAN KIỂM PHIẾU, and one Thư ký). E.g. “Nguyễn Văn A; Thanh tra tỉnh; Trưởng ban”."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = VoteCountMinutes
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minutes = self.instance
        self.initial["version"] = minutes.version
        self.initial.setdefault("people", people_lines(counting_people(minutes.year, minutes)))

    def clean_people(self):
        people, errors = parse_people(self.cleaned_data["people"])
        if errors:
            raise forms.ValidationError(errors)
        self.instance.counting_people = people
        return self.cleaned_data["people"]
