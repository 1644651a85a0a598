"""Report submissions: who owes what by when, the checks on a file (type, encryption, length of the summary),
versions, late marking, the leader's decision, and per-unit extensions."""

import datetime
import math
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from blocs import deadlines as closing
from blocs.enums import Audience, DeadlineKind
from blocs.models import Deadline, EmulationYear, Unit
from blocs.selectors import members_in_year
from blocs.services import notify_unit
from blocs.storage import check_storage_quota
from core.audit import audit
from core.i18n import later
from core.inspect import Unreadable, inspect_file
from core.permissions import ensure_can
from core.validators import UploadValidator, sniff

from ..enums import SubmissionStatus
from ..models import Extension, Submission, SubmissionVersion

# Deadlines a unit answers by sending a file (the self-assessment is answered by the scoring sheet).
FILE_KINDS = {
    DeadlineKind.YEAR_REPORT,
    DeadlineKind.SUMMARY_REPORT,
    DeadlineKind.AWARD_DOSSIER,
    DeadlineKind.LAUNCH_PLAN,
    DeadlineKind.COVENANT,
    DeadlineKind.OTHER,
}
A4 = (595.28, 841.89)  # points


def owing_units(deadline: Deadline) -> list[Unit]:
    """The units a deadline applies to."""
    year = deadline.year
    if deadline.audience == Audience.MEMBERS:
        return list(members_in_year(bloc=year.bloc, year=year.year))
    if deadline.audience == Audience.LEADER:
        return [year.leader]
    if deadline.audience == Audience.UNIT:
        return [deadline.unit]
    following = EmulationYear.objects.filter(bloc=year.bloc, year=year.year + 1).select_related("leader").first()
    if following is not None:
        return [following.leader]
    return [year.deputy] if year.deputy else []


def effective_due(deadline: Deadline, unit: Unit, extensions: dict | None = None) -> datetime.datetime:
    """The due date for one unit: its extension if it has one."""
    if extensions is not None:
        extension = extensions.get((deadline.pk, unit.pk))
    else:
        extension = Extension.objects.filter(deadline=deadline, unit=unit).first()
    return extension.due_at if extension else deadline.due_at


def closes_at(deadline: Deadline, unit: Unit) -> datetime.datetime:
    """When the deadline closes for one unit (blocs.deadlines: its due date, or its extension's, plus the bloc's
    grace period)."""
    extension = Extension.objects.filter(deadline=deadline, unit=unit).first()
    return closing.closes_at(deadline, extension_until=extension.due_at if extension is not None else None)


def _fmt_pages(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def summary_length(source, *, name: str = "") -> tuple[int, Decimal]:
    """(pages, length in A4 pages) of a summary PDF (an upload, bytes or a path): whole pages before the last,
    plus how far down the last page the text ends (measured from the characters' positions). Measured in a
    bounded child process (core.inspect): a page that is not A4, or a limit reached, is a ValidationError."""
    measured = _inspect_pdf(source, name=name, measure=True)
    return measured["pages"], measured["length"]


def _inspect_pdf(source, *, name: str, measure: bool) -> dict:
    name = name or getattr(source, "name", "") or ""
    try:
        found = inspect_file("pdf", source, name=name, measure=measure, a4=list(A4))
    except Unreadable as exc:
        raise ValidationError(
            _("The file “%(name)s” cannot be read as a PDF; save it again as PDF and retry.") % {"name": name}
        ) from exc
    if found.get("encrypted"):
        raise ValidationError(
            _("The file “%(name)s” is encrypted or password-protected; send it without protection.") % {"name": name}
        )
    if not found.get("pages"):  # a PDF without pages is unreadable as a report (and unmeasurable)
        raise ValidationError(
            _("The file “%(name)s” cannot be read as a PDF; save it again as PDF and retry.") % {"name": name}
        )
    measured = {"pages": found["pages"]}
    if measure:
        page = found.get("not_a4")
        if page:
            raise ValidationError(
                _("The summary must be on A4 pages; page %(n)d is %(w)d × %(h)d mm.")
                % {"n": page["n"], "w": round(page["width"] / 72 * 25.4), "h": round(page["height"] / 72 * 25.4)}
            )
        length = Decimal(found["pages"] - 1) + Decimal(str(found["used"]))
        measured["length"] = length.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return measured


def check_file(upload, *, deadline: Deadline) -> dict:
    """Refuse what cannot be a report: wrong type (from the content), empty, too large, encrypted or unreadable;
    a summary longer than the bloc's page limit. Returns what was measured. The file is opened only in a bounded
    child process (core.inspect: memory, time, pages and unpacked size limited)."""
    summary = deadline.kind == DeadlineKind.SUMMARY_REPORT
    if summary and upload.size and getattr(sniff(upload), "code", None) == "docx":
        raise ValidationError(
            _("Send the summary as a PDF (or write it in the browser): its length is measured on the A4 pages.")
        )
    # The summary is measured in pages, which only a PDF has: its messages name PDF alone.
    UploadValidator(("pdf",) if summary else ("pdf", "docx"))(upload)
    kind = sniff(upload)
    measured: dict = {}
    if kind.code == "pdf":
        measured = _inspect_pdf(upload, name=upload.name, measure=summary)
        if summary:
            limit = Decimal(str(deadline.year.setting("summary_page_limit")))
            pages, length = measured["pages"], measured["length"]
            if pages > math.ceil(limit) or length > limit:
                raise ValidationError(
                    _(
                        "The summary is %(length)s A4 pages long (%(pages)d pages); the limit is %(limit)s pages "
                        "(at most %(max)d pages, the text on the last one ending above its middle)."
                    )
                    % {
                        "length": _fmt_pages(length),
                        "pages": pages,
                        "limit": _fmt_pages(limit),
                        "max": math.ceil(limit),
                    }
                )
    return measured


@transaction.atomic
def submission_upload(
    *, deadline: Deadline, unit: Unit, upload, by, at: datetime.datetime | None = None, content: dict | None = None
) -> SubmissionVersion:
    """A new version of a unit's submission. Late ones are marked with how late; after the grace period the
    deadline is closed unless the leader extends it (blocs.deadlines, the rule sheets follow too)."""
    ensure_can(by, "reports.submission.upload", (deadline, unit))
    at = at or timezone.now()
    if unit.pk not in {u.pk for u in owing_units(deadline)}:
        raise ValidationError(_("This deadline does not apply to %(unit)s.") % {"unit": unit.short_name})
    if deadline.opens_at and at < deadline.opens_at:
        raise ValidationError(
            _("This deadline opens on %(date)s.") % {"date": timezone.localtime(deadline.opens_at).strftime("%d/%m/%Y")}
        )
    closed = closes_at(deadline, unit)
    if at > closed:
        raise ValidationError(
            _("This deadline closed on %(date)s; ask the leader unit for an extension.")
            % {"date": timezone.localtime(closed).strftime("%d/%m/%Y %H:%M")},
            code="closed",
        )
    measured = check_file(upload, deadline=deadline)
    check_storage_quota(unit=unit, year=deadline.year, adding=upload.size or 0)
    submission, _created = Submission.objects.select_for_update().get_or_create(deadline=deadline, unit=unit)
    if submission.status == SubmissionStatus.ACCEPTED:
        raise ValidationError(_("The leader unit has accepted this submission; it can no longer be replaced."))
    number = (submission.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    due = effective_due(deadline, unit)
    version = SubmissionVersion(
        submission=submission,
        number=number,
        original_name=upload.name[:255],
        size=upload.size,
        pages=measured.get("pages"),
        length_in_pages=measured.get("length"),
        content=content,
        submitted_by=by,
        submitted_at=at,
        late_seconds=max(0, int((at - due).total_seconds())),
    )
    version.file.save(upload.name, upload, save=False)
    version.save()
    submission.status = SubmissionStatus.SUBMITTED
    submission.save(update_fields=["status", "updated_at"])
    audit(by, "reports.submission.uploaded", submission, version=number, late_seconds=version.late_seconds)
    return version


def _link(deadline: Deadline) -> str:
    year = deadline.year
    return reverse("reports:submissions", kwargs={"slug": year.bloc.slug, "year": year.year})


@transaction.atomic
def submission_accept(*, submission: Submission, by) -> Submission:
    ensure_can(by, "reports.submission.decide", submission.deadline.year)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Only a submission waiting for a decision can be accepted."))
    submission.status = SubmissionStatus.ACCEPTED
    submission.decided_at, submission.decided_by = timezone.now(), by
    submission.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    audit(by, "reports.submission.accepted", submission)
    notify_unit(
        submission.unit,
        title=later(gettext_noop("Accepted: %(title)s"), title=submission.deadline.title[:120]),
        body=later(gettext_noop("The leader unit accepted your submission.")),
        link=_link(submission.deadline),
        key=f"submission-accepted:{submission.pk}",
    )
    return submission


@transaction.atomic
def submission_return(*, submission: Submission, note: str, by) -> Submission:
    """Return for correction: the unit sends a new version; the returned one stays as it was."""
    ensure_can(by, "reports.submission.decide", submission.deadline.year)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Only a submission waiting for a decision can be returned."))
    if not note.strip():
        raise ValidationError({"note": _("Say what the unit should correct.")})
    submission.status = SubmissionStatus.RETURNED
    submission.return_note = note
    submission.decided_at, submission.decided_by = timezone.now(), by
    submission.save(update_fields=["status", "return_note", "decided_at", "decided_by", "updated_at"])
    count = submission.versions.count()
    audit(by, "reports.submission.returned", submission, note=note, versions=count)
    notify_unit(
        submission.unit,
        title=later(gettext_noop("Returned for correction: %(title)s"), title=submission.deadline.title[:120]),
        body=note,
        link=_link(submission.deadline),
        key=f"submission-returned:{submission.pk}:{count}",
    )
    return submission


@transaction.atomic
def extension_grant(*, deadline: Deadline, unit: Unit, due_at: datetime.datetime, reason: str, by) -> Extension:
    """Gia hạn: a later due date for one unit on a deadline it answers with a file (it closes the bloc's grace
    period after that date). A self-assessment sheet is extended by an entry of the calendar for the unit alone,
    which scoring reads; an Extension of it would be one the sheet's closing does not see."""
    ensure_can(by, "reports.submission.decide", deadline.year)
    if deadline.kind not in FILE_KINDS:
        raise ValidationError(
            _(
                "“%(title)s” is not answered with a file: extend it for %(unit)s with an entry of its own in the "
                "year's calendar."
            )
            % {"title": deadline.title, "unit": unit.short_name}
        )
    if due_at <= deadline.due_at:
        raise ValidationError({"due_at": _("An extension must end after the deadline's own due date.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    extension, _created = Extension.objects.update_or_create(
        deadline=deadline, unit=unit, defaults={"due_at": due_at, "reason": reason, "granted_by": by}
    )
    audit(by, "reports.extension.granted", extension, due_at=due_at.isoformat(), reason=reason)
    notify_unit(
        unit,
        title=later(gettext_noop("Extension: %(title)s"), title=deadline.title[:120]),
        body=later(
            gettext_noop("New due date: %(date)s. %(reason)s"),
            date=timezone.localtime(due_at).strftime("%d/%m/%Y %H:%M"),
            reason=reason,
        ),
        link=_link(deadline),
        key=f"extension:{extension.pk}:{due_at.isoformat()}",
    )
    return extension


def unit_has_submitted(deadline: Deadline, unit: Unit) -> bool:
    """Has the unit answered this deadline: its scoring sheet, else as selectors.answers says (a file, or for the
    covenant its registration sent on the covenant page)?"""
    if deadline.kind == DeadlineKind.SELF_ASSESSMENT:
        from scoring.models import Sheet

        return Sheet.objects.filter(year=deadline.year, unit=unit, submitted_at__isnull=False).exists()
    from ..selectors import answers

    return (deadline.pk, unit.pk) in answers([deadline], unit_ids=[unit.pk])
