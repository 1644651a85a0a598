"""Forms of the submission pages: an upload, the leader's return note and extension, and the summary written
in the browser. The services check the content; these forms only collect it."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.forms import DateInput, TimeInput
from core.forms import TextLimits

from .editor import SECTIONS, clean_content


class UploadForm(forms.Form):
    # An empty file reaches the service, whose message names the file and the rule.
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args, summary: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        if summary:
            field.help_text = _("PDF only, on A4 pages: its length is measured.")
            field.widget.attrs["accept"] = ".pdf,application/pdf"
        else:
            field.help_text = _("PDF or DOCX.")
            field.widget.attrs["accept"] = ".pdf,.docx"


class ReturnForm(TextLimits, forms.Form):
    # Not required here: the service says what is missing, in its own words.
    note = forms.CharField(
        label=_("What the unit should correct"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionForm(forms.Form):
    due_date = forms.DateField(label=_("New due date"), widget=DateInput())
    due_time = forms.TimeField(label=_("Time"), widget=TimeInput(), initial=datetime.time(23, 59))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    # The service names its fields after the model; the form shows them where they were typed.
    service_fields = {"due_at": "due_date"}

    def due_at(self) -> datetime.datetime:
        moment = datetime.datetime.combine(self.cleaned_data["due_date"], self.cleaned_data["due_time"])
        return timezone.make_aware(moment)


class SummaryForm(TextLimits, forms.Form):
    """A title and up to six sections, each a heading and its text."""

    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SECTIONS + 1):
            self.fields[f"heading_{n}"] = forms.CharField(
                label=_("Heading of section %(n)d") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"text_{n}"] = forms.CharField(
                label=_("Text of section %(n)d") % {"n": n},
                required=False,
                widget=forms.Textarea(attrs={"rows": 6 if n == 1 else 4}),
            )

    @staticmethod
    def initial_from(content: dict | None, title: str) -> dict:
        """The form's initial values from a version written in the browser (or a fresh title)."""
        if not content:
            return {"title": title}
        initial = {"title": content.get("title") or title}
        for n, section in enumerate(content.get("sections", [])[:SECTIONS], start=1):
            initial[f"heading_{n}"] = section.get("heading", "")
            initial[f"text_{n}"] = section.get("text", "")
        return initial

    def sections(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"heading_{n}"], self[f"text_{n}"]) for n in range(1, SECTIONS + 1)]

    def clean(self):
        data = super().clean()
        if not any(data.get(f"text_{n}", "").strip() for n in range(1, SECTIONS + 1)):
            raise forms.ValidationError(_("Write the text of at least one section."))
        return data

    def content(self) -> dict:
        data = self.cleaned_data
        return clean_content(data["title"], [(data[f"heading_{n}"], data[f"text_{n}"]) for n in range(1, SECTIONS + 1)])
