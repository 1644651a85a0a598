"""One lifecycle for every issued document (Decree 30), whatever it is: a draft edited under an optimistic lock (a
form carries the version it was opened on, `core.locking`), issued with a number taken from a register, then
frozen; a correction is either the same row reopened as its next revision under the same number (REVISE: the
conference minutes, the summary report) or a new row, the next version, that supersedes the issued one once it is
issued in turn (SUPERSEDE: the conference plan). Renderings (`core.models.RenderedDocument`) are tied to the
revision they render (`IssuedKind.version`), the revision of the text (`IssuedKind.revision`, each save of a
draft a new one) and whether it was a draft (`IssuedKind.is_draft`): a draft's renderings are its editors' alone.

A kind of document is a subclass of `IssuedKind` that says what differs: its model, its rights, its register's
document type and title, what it needs before it is issued, how it is built, its URL names and its words. The
register belongs to the app that keeps it (`blocs`, which core does not import): a kind carries it as a `Register`
of two functions. The kind's pages share the views of `core/documents/views.py` and the templates
`core/document_page.html` and `core/document_editor.html`.

    issue(kind, record, *, number, by, expected_version=None, values=None) -> record  (ban hành)
    new_version(kind, record, *, by) -> record                              (the next revision, or the new row)
    save_draft(kind, record, *, expected_version, by) -> record             (the editor's save, single-form kinds)
    ensure_editable(kind, record, by)                                       (the right to edit, and "issued is frozen")
    next_number(kind, record) -> int                                        (the number issuing would take)
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from core.audit import audit
from core.locking import StaleEdit, check_version
from core.permissions import ensure_can

from .model import OfficialDocument

REVISE = "revise"  # a correction reopens the issued row as its next revision, keeping its number
SUPERSEDE = "supersede"  # a correction is a new row, the next version, issued under a number of its own


# A kind's URL names: its page's, and the page's with these suffixes (the URLs take the scope's `url_args`).
URL_SUFFIXES = {
    "page": "",
    "edit": "-edit",
    "preview": "-preview",
    "issue": "-issue",
    "new_version": "-new-version",
    "render": "-render",
}


@dataclass(frozen=True)
class Register:
    """A register of document numbers, as the app that keeps it writes it (blocs: `register_next_number`,
    `register_take`). `next_number(bloc=, year=, doc_type=)` is the next free number; `take(bloc=, year=,
    doc_type=, number=, title=, by=)` records one and refuses a number already used (a ValidationError on
    "number")."""

    next_number: Callable[..., int]
    take: Callable[..., Any]


class IssuedKind:
    """What one kind of issued document says about itself. The lifecycle asks nothing else of it.

    Its records have `number`, `issued_at`, `issued_by`, `number_text`, `is_issued`, the optimistic lock
    (`version_field`) and, for REVISE, `revision`, `status` and `updated_by`. An instance is also what the
    document registry (`core.documents.registry`) needs to render them: `name`, `load`, `build`, `version`,
    `revision`, `is_draft`, `view_action`, `edit_action` and `scope`."""

    # --- what it is --------------------------------------------------------------------------------------------
    name: str  # e.g. "conference.minutes": the renderings' kind, and the prefix of its audit actions
    model: type[Model]
    slug: str  # the record's name in its templates, and its pages' HTML ids ("<slug>-status", "<slug>-form")
    load_related: tuple[str, ...] = ()  # what `load` selects with a record (what the document reads)
    # --- rights ---------------------------------------------------------------------------------------------
    page_action: str  # its pages (asked with the scope: the year)
    edit_action: str  # write, issue and correct it (asked with the scope)
    document_action: str  # read its text and files (asked with the record)
    # --- the register ---------------------------------------------------------------------------------------
    doc_type: str  # e.g. "BB"
    register: Register
    # --- lifecycle ------------------------------------------------------------------------------------------
    corrections: str | None = REVISE  # REVISE, SUPERSEDE, or None: issued is final
    version_field = "version"  # the optimistic lock the forms carry
    revision_field = "revision"  # the number its renderings are tied to
    status_field: str | None = "status"
    issued_status: str = "issued"
    draft_status: str = "draft"
    required: dict[str, Promise] = {}  # fields issuing needs -> their labels
    issue_fields: tuple[str, ...] = ()  # fields the issue form sets on the record (e.g. the document's date)
    clean_exclude: tuple[str, ...] = ("number", "issued_by", "updated_by", "year")
    saved_fields: tuple[str, ...] | None = None  # what a draft's save writes (None: every field)
    stale_class: type[StaleEdit] = StaleEdit
    # --- words (lazy translations of the kind's own messages) --------------------------------------------------
    incomplete: Promise | str = ""  # "%(fields)s" are the labels of `required` left empty
    frozen: Promise | str = ""  # an issued record cannot change in place
    already_issued: Promise | str = ""
    stale: Promise | str = ""  # the editor's save was opened before someone else's
    stale_issue: Promise | str = ""  # the page's issue form was opened before a change
    not_issued: Promise | str = ""  # a draft needs no new version
    issued_message: Promise | str = ""  # "%(number)s"
    reopened_message: Promise | str = ""  # "%(version)s"
    saved_message: Promise | str = ""
    preview_title: Promise | str = ""
    # --- pages ----------------------------------------------------------------------------------------------
    url_prefix: str  # e.g. "conference:minutes": the page; its other URLs add the suffixes of URL_SUFFIXES
    pages: tuple[str, ...] = tuple(URL_SUFFIXES)  # the URLs the kind has
    templates: dict[str, str] = {}  # "page", "edit"
    preview_defaults = False  # before the first save, the preview shows its writer the defaults (`initial`)
    problems_on_page = False  # its page lists why it cannot be issued yet (`issue_problems`) instead of the form

    # --- the records ----------------------------------------------------------------------------------------

    def scope(self, record: Model) -> Any:
        """What the kind's records belong to (its rights are asked with it): an emulation year."""
        return record.year

    def adopt(self, record: Model, scope: Any) -> Model:
        """Give `record` its scope as the caller loaded it (with what its pages and rules read): no query."""
        record.year = scope
        return record

    def in_scope(self, scope: Any) -> QuerySet:
        return self.model._default_manager.filter(year=scope)

    def current(self, scope: Any) -> Model | None:
        """The record the scope's pages show (None before the first save), with its scope adopted."""
        record = self.in_scope(scope).first()
        return self.adopt(record, scope) if record is not None else None

    def initial(self, scope: Any) -> Model:
        """A new unsaved record from the defaults, for the editor (and the preview, `preview_defaults`) before the
        first save."""
        raise NotImplementedError

    def load(self, pk: str) -> Model:
        return self.model._default_manager.select_related(*self.load_related).get(pk=pk)

    def lock(self, record: Model) -> Model:
        """The record as stored, its row locked until the transaction ends, with the caller's scope."""
        locked = self.model._default_manager.select_for_update().get(pk=record.pk)
        return self.adopt(locked, self.scope(record))

    def version(self, record: Model) -> int:
        """The number its renderings are tied to: the revision (REVISE) or the version (SUPERSEDE)."""
        return getattr(record, self.revision_field)

    def revision(self, record: Model) -> int:
        """The revision of its text a rendering records: the optimistic lock, which every save of a draft, its
        issue and a new version move on (each draft edit is a revision of its own; the issued text has its own)."""
        return getattr(record, self.version_field)

    def is_draft(self, record: Model) -> bool:
        return not record.is_issued

    @property
    def view_action(self) -> str:
        """The registry's name for `document_action`."""
        return self.document_action

    def build(self, record: Model) -> OfficialDocument:
        raise NotImplementedError

    # --- the register ---------------------------------------------------------------------------------------

    def bloc(self, record: Model) -> Any:
        return self.scope(record).bloc

    def register_year(self, record: Model) -> int:
        """The register's year the number is taken in (the year of the document's date)."""
        raise NotImplementedError

    def register_title(self, record: Model) -> str:
        raise NotImplementedError

    # --- issue ----------------------------------------------------------------------------------------------

    def missing(self, record: Model) -> list[str]:
        """The labels of the required fields left empty."""
        return [str(label) for name, label in self.required.items() if _empty(getattr(record, name))]

    def issue_problems(self, record: Model) -> list[str]:
        """Why the record cannot be issued now (empty: it can): by default, the required fields left empty."""
        missing = self.missing(record)
        return [self.incomplete % {"fields": ", ".join(missing)}] if missing else []

    def issue_values(self, record: Model, values: dict[str, Any]) -> dict[str, Any]:
        """What issuing stores on the record besides its number: by default the issue form's `values` (of
        `issue_fields`). A kind may fill a default for a value not given, add what issuing fixes, or refuse a value
        with a ValidationError naming its field; the problems and the register then read the record with them."""
        return {name: values[name] for name in self.issue_fields if name in values}

    def before_issue(self, record: Model, by) -> None:
        """What issuing needs done first, in its transaction (e.g. the covenant issued straight from its defaults is
        saved): undone with the issue if it is refused."""

    def after_issue(self, record: Model, by) -> None:
        """What issuing does besides numbering and freezing (e.g. the plan's tasks into the calendar)."""

    def supersede(self, record: Model, by) -> Model:
        """SUPERSEDE: the new draft row that replaces the issued `record` once issued."""
        raise NotImplementedError

    # --- pages ----------------------------------------------------------------------------------------------

    def url_args(self, scope: Any) -> tuple:
        """The arguments of the kind's URLs: the bloc's slug and the year."""
        return (scope.bloc.slug, scope.year)

    def url_name(self, use: str) -> str:
        return self.url_prefix + URL_SUFFIXES[use]

    def url(self, use: str, scope: Any, anchor: str = "") -> str:
        return reverse(self.url_name(use), args=self.url_args(scope)) + anchor

    def urls(self, scope: Any) -> dict[str, str]:
        """Every URL of the kind's pages but the render view's (which takes the format), by use."""
        return {use: self.url(use, scope) for use in self.pages if use != "render"}

    def scope_context(self, scope: Any) -> dict:
        return {"year": scope, "bloc": scope.bloc}


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _lock_version(kind: IssuedKind, record: Model) -> int:
    return getattr(record, kind.version_field)


def _lifecycle_fields(kind: IssuedKind) -> tuple[str, ...]:
    fields = () if kind.status_field is None else (kind.status_field,)
    if kind.revision_field != kind.version_field:
        fields += (kind.revision_field,)
    return fields


def _set_status(kind: IssuedKind, record: Model, status: str) -> list[str]:
    if kind.status_field is None:
        return []
    setattr(record, kind.status_field, status)
    return [kind.status_field]


def next_number(kind: IssuedKind, record: Model) -> int:
    """The number issuing `record` would take now: the next free one of its register."""
    return kind.register.next_number(bloc=kind.bloc(record), year=kind.register_year(record), doc_type=kind.doc_type)


def ensure_editable(kind: IssuedKind, record: Model, by) -> None:
    """The right to edit, then "an issued record is frozen", in the kind's words."""
    ensure_can(by, kind.edit_action, kind.scope(record))
    if record.pk and record.is_issued:
        raise ValidationError(kind.frozen)


@transaction.atomic
def save_draft(kind: IssuedKind, record: Model, *, expected_version: int | None, by) -> Model:
    """Save the draft as the editor's form has it, refusing a form opened before someone else's save (the caller
    keeps the input) and an issued record; the first save is refused when another was made meanwhile."""
    ensure_editable(kind, record, by)
    scope = kind.scope(record)
    record.updated_by = by
    record.full_clean(exclude=list(kind.clean_exclude))
    if record.pk is None:
        stale = kind.stale_class(kind.stale)
        if kind.in_scope(scope).exists():
            raise stale
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError as exc:  # two first saves at the same moment: one wins
            raise stale from exc
        audit(by, f"{kind.name}.created", record)
        return record
    stored = kind.lock(record)
    if stored.is_issued:
        raise ValidationError(kind.frozen)
    check_version(_lock_version(kind, stored), expected_version, kind.stale_class(kind.stale))
    # What the lifecycle owns is the stored row's, whatever the caller's copy says (a copy read before an issue
    # and a new version would otherwise write back an older number and revision).
    for field in ("number", "issued_at", "issued_by_id", *_lifecycle_fields(kind)):
        setattr(record, field, getattr(stored, field))
    setattr(record, kind.version_field, _lock_version(kind, stored) + 1)
    fields = None if kind.saved_fields is None else [*kind.saved_fields, kind.version_field]
    record.save(update_fields=fields)
    audit(by, f"{kind.name}.saved", record, version=_lock_version(kind, record))
    return record


@transaction.atomic
def issue(
    kind: IssuedKind,
    record: Model,
    *,
    number: int | None = None,
    by,
    expected_version: int | None = None,
    values: dict[str, Any] | None = None,
):
    """Ban hành: refused when already issued, when the page was read before a change (`expected_version`, the
    lock's version the page's form carries; None: not asked) or while the kind has problems with it (its required
    fields, its own rules); then the number is taken in the register for the year of the document's date (the
    one given, or the next free one), unless the record kept it from an earlier issue, and the record is frozen.
    `values` are the issue form's own fields (the kind's `issue_fields`, e.g. the document's date), stored with
    the issue as the kind's `issue_values` says. The lock's version moves on: an editor opened before the issue is
    stale now."""
    unknown = set(values or {}) - set(kind.issue_fields)
    if unknown:
        raise ValueError(f"{kind.name} is not issued with {sorted(unknown)}")
    ensure_can(by, kind.edit_action, kind.scope(record))
    kind.before_issue(record, by)
    locked = kind.lock(record)
    if locked.is_issued:
        raise ValidationError(kind.already_issued)
    check_version(_lock_version(kind, locked), expected_version, kind.stale_class(kind.stale_issue))
    stored = kind.issue_values(locked, values or {})
    for name, value in stored.items():
        setattr(locked, name, value)
    problems = kind.issue_problems(locked)
    if problems:
        raise ValidationError(problems)
    if locked.number is None:
        chosen = number or next_number(kind, locked)
        kind.register.take(
            bloc=kind.bloc(locked),
            year=kind.register_year(locked),
            doc_type=kind.doc_type,
            number=chosen,
            title=kind.register_title(locked),
            by=by,
        )
        locked.number = chosen
    changed = _set_status(kind, locked, kind.issued_status)
    locked.issued_at = timezone.now()
    locked.issued_by = by
    setattr(locked, kind.version_field, _lock_version(kind, locked) + 1)
    locked.save(update_fields=["number", *changed, *stored, "issued_at", "issued_by", kind.version_field, "updated_at"])
    kind.after_issue(locked, by)
    data = {"number": locked.number_text}
    if kind.corrections == REVISE:
        data["revision"] = kind.version(locked)
    audit(by, f"{kind.name}.issued", locked, **data)
    return locked


@transaction.atomic
def new_version(kind: IssuedKind, record: Model, *, by) -> Model:
    """A correction of an issued record. REVISE: it becomes a draft of its next revision, under the same number,
    until issued again (the issued text stays in the files rendered before, and in the audit log). SUPERSEDE: a
    new draft row (`kind.supersede`) that replaces it once issued; the issued one stays as it is."""
    ensure_can(by, kind.edit_action, kind.scope(record))
    if kind.corrections is None:
        raise ValidationError(kind.frozen)
    if record.pk is None:  # shown from its defaults, never saved: nothing is issued
        raise ValidationError(kind.not_issued)
    locked = kind.lock(record)
    if not locked.is_issued:
        raise ValidationError(kind.not_issued)
    if kind.corrections == SUPERSEDE:
        new = kind.supersede(locked, by)
        audit(by, f"{kind.name}.new_version", new, previous=locked.pk)
        return new
    previous = {
        "revision": kind.version(locked),
        "issued_at": locked.issued_at.isoformat() if locked.issued_at else None,
    }
    changed = _set_status(kind, locked, kind.draft_status)
    setattr(locked, kind.revision_field, kind.version(locked) + 1)
    setattr(locked, kind.version_field, _lock_version(kind, locked) + 1)
    locked.issued_at = None
    locked.issued_by = None
    locked.updated_by = by
    locked.save(
        update_fields=[
            *changed,
            kind.revision_field,
            kind.version_field,
            "issued_at",
            "issued_by",
            "updated_by",
            "updated_at",
        ]
    )
    audit(by, f"{kind.name}.new_version", locked, previous=previous, revision=kind.version(locked))
    return locked
