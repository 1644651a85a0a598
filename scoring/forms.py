"""Forms of the scoring app: the sheet, the review, criteria and the Excel import."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import TextLimits, limit_text
from core.validators import UploadValidator

from .enums import CriterionKind
from .models import EVIDENCE_KINDS, Criterion


class PointsField(forms.CharField):
    """Points as officials type them: "7,5" or "7.5"; text is refused with a clear message."""

    def __init__(self, *, max_points: Decimal | None = None, **kwargs):
        self.max_points = max_points
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off", **{"class": "form-control points"})

    def to_python(self, value):
        value = (super().to_python(value) or "").strip().replace(",", ".")
        if value == "":
            return None
        try:
            number = Decimal(value)
        except InvalidOperation as exc:
            raise forms.ValidationError(_("Write a number of points, e.g. 7,5."), code="not_a_number") from exc
        if not number.is_finite():
            raise forms.ValidationError(_("Write a number of points, e.g. 7,5."), code="not_a_number")
        if number < 0:
            raise forms.ValidationError(_("Points cannot be negative."), code="negative")
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("At most two decimals."), code="decimals")
        if self.max_points is not None and number > self.max_points:
            raise forms.ValidationError(
                _("At most %(max)s points."), code="too_many", params={"max": _fmt(self.max_points)}
            )
        return number


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


# The checks of one evidence file (type from its content, size): on the form, and before a file is kept pending.
evidence_check = UploadValidator(EVIDENCE_KINDS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
        super().__init__(**kwargs)
        self.check = evidence_check

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        errors = []
        for upload in uploads:
            try:
                self.check(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return list(uploads)


class SheetForm(forms.Form):
    """The unit's sheet: points, explanation and evidence for every scored criterion."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, leaves: list[Criterion], scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaves = leaves
        for criterion in leaves:
            score = scores.get(criterion.pk)
            self.fields[f"points_{criterion.pk}"] = PointsField(
                label=_("Points for %(code)s") % {"code": criterion.code},
                max_points=criterion.max_points,
                initial=_fmt(score.self_points) if score and score.self_points is not None else "",
            )
            # The limit is said once, in the table's header (scoring/sheet.html), not under each of its rows.
            self.fields[f"explanation_{criterion.pk}"] = limit_text(
                forms.CharField(
                    label=_("Explanation for %(code)s") % {"code": criterion.code},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                    initial=score.explanation if score else "",
                ),
                settings.CRITERION_TEXT_MAX_CHARS,
                state=False,
            )
            self.fields[f"evidence_{criterion.pk}"] = EvidenceField(
                label=_("Evidence for %(code)s") % {"code": criterion.code}
            )

    def entries(self):
        from .services import Entry

        return {
            c.pk: Entry(points=self.cleaned_data[f"points_{c.pk}"], text=self.cleaned_data[f"explanation_{c.pk}"])
            for c in self.leaves
        }

    def uploads(self):
        return {
            c.pk: self.cleaned_data[f"evidence_{c.pk}"]
            for c in self.leaves
            if self.cleaned_data.get(f"evidence_{c.pk}")
        }

    def valid_uploads(self) -> dict[int, list]:
        """The files chosen on this form that pass their own checks, by criterion id: what a refused form keeps
        for the next save (core.pending). A file refused for itself is left out: the error on its row names it."""
        chosen = {}
        for criterion in self.leaves:
            name = f"evidence_{criterion.pk}"
            valid = []
            for upload in self.files.getlist(name):
                try:
                    self.fields[name].check(upload)
                except forms.ValidationError:
                    continue
                valid.append(upload)
            if valid:
                chosen[criterion.pk] = valid
        return chosen

    def unknown_uploads(self) -> list[str]:
        """The names of files sent for a criterion the form does not have (the table changed meanwhile): they
        cannot be kept for a row, the person must choose them again."""
        known = {f"evidence_{c.pk}" for c in self.leaves}
        return [upload.name for key in self.files if key not in known for upload in self.files.getlist(key)]


class ReviewForm(forms.Form):
    """The reviewer's points and reasons beside the unit's."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, leaves: list[Criterion], scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaves = leaves
        for criterion in leaves:
            score = scores.get(criterion.pk)
            shown = None
            if score is not None:
                shown = score.reviewed_points if score.reviewed_points is not None else score.self_points
            self.fields[f"reviewed_{criterion.pk}"] = PointsField(
                label=_("Reviewed points for %(code)s") % {"code": criterion.code},
                max_points=criterion.max_points,
                initial=_fmt(shown) if shown is not None else "",
            )
            self.fields[f"reason_{criterion.pk}"] = limit_text(
                forms.CharField(
                    label=_("Reason for %(code)s") % {"code": criterion.code},
                    required=False,
                    # A sentence or two that the unit will read: a box as wide as the table, not a cell.
                    widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                    initial=score.review_reason if score else "",
                ),
                settings.CRITERION_TEXT_MAX_CHARS,
                state=False,
            )

    def entries(self):
        from .services import Entry

        return {
            c.pk: Entry(points=self.cleaned_data[f"reviewed_{c.pk}"], text=self.cleaned_data[f"reason_{c.pk}"])
            for c in self.leaves
        }


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the unit correct?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CriterionForm(TextLimits, forms.ModelForm):
    max_points = PointsField(label=_("Maximum points"), required=True)

    class Meta:
        model = Criterion
        fields = ["parent", "code", "title", "guidance", "max_points", "kind", "evidence_required", "order"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.table = table
        self.fields["parent"].queryset = table.criteria.exclude(pk=self.instance.pk).order_by("order", "id")
        self.fields["parent"].required = False
        self.fields["parent"].help_text = _("Empty for a group (I, II, …).")
        if self.instance.pk and self.instance.max_points is not None:
            self.initial["max_points"] = _fmt(self.instance.max_points)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = self.instance.table.criteria.filter(code=code).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(_("The code “%(code)s” is already in this table."), params={"code": code})
        return code

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        if parent is not None and data.get("kind") and parent.kind != data["kind"]:
            self.add_error("kind", _("A criterion has the kind of its group."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"), validators=[UploadValidator(("xlsx",))])


KIND_LABELS = dict(CriterionKind.choices)
