"""The emulation covenant (giao ước thi đua): each member unit registers its targets, titles and signatory,
sends them (every version sent is kept), and the year's leader unit issues the covenant from what was sent.

Once issued the covenant is frozen: neither it nor any registration changes any more (a signed mutual pledge is
corrected by a new document, not by editing the signed one).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core.audit import audit
from core.documents import lifecycle
from core.documents.lifecycle import IssuedKind, Register
from core.i18n import later
from core.locking import StaleEdit
from core.permissions import ensure_can

from .models import Covenant, CovenantRegistration, CovenantRegistrationVersion, EmulationYear, Unit
from .selectors import members_in_year
from .services import notify_unit, register_next_number, register_take

DOC_TYPE = Covenant.DOC_TYPE
BULLETS = "-–•+*"  # what people type before a target; the document adds its own dash


class StaleRegistration(StaleEdit):
    pass


class StaleCovenant(StaleEdit):
    pass


def covenant_link(year: EmulationYear) -> str:
    return reverse("blocs:covenant", kwargs={"slug": year.bloc.slug, "year": year.year})


def target_lines(text: str) -> list[str]:
    """The targets typed one per line: blank lines dropped, a leading dash or bullet removed."""
    lines = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip(BULLETS).strip()
        if line:
            lines.append(line)
    return lines


# --- reads -----------------------------------------------------------------------------------------------


def registration_for(year: EmulationYear, unit: Unit) -> CovenantRegistration:
    """The unit's registration for the year, or a new unsaved one (nothing is written by reading)."""
    registration = CovenantRegistration.objects.filter(year=year, unit=unit).first()
    if registration is None:
        registration = CovenantRegistration(year=year, unit=unit, version=0)
    registration.year, registration.unit = year, unit
    return registration


def default_preamble(year: EmulationYear) -> str:
    bloc = year.bloc
    lines = []
    if bloc.regulation_title:
        lines.append(f"Căn cứ {bloc.regulation_title};")
    lines.append(
        f"Thực hiện phong trào thi đua yêu nước năm {year.year} do Ủy ban nhân dân tỉnh {bloc.province.name} phát "
        f"động, các đơn vị thành viên {bloc.name} thống nhất ký kết giao ước thi đua năm {year.year} với các chỉ "
        f"tiêu, nhiệm vụ và danh hiệu thi đua đăng ký như sau:"
    )
    return "\n".join(lines)


def default_closing(year: EmulationYear) -> str:
    return (
        "Các đơn vị thành viên cam kết tổ chức thực hiện nghiêm túc các nội dung đã giao ước; định kỳ 6 tháng, "
        "cuối năm báo cáo kết quả thực hiện với đơn vị Trưởng khối. Kết quả thực hiện giao ước là căn cứ để chấm "
        f"điểm, bình xét, suy tôn các danh hiệu thi đua năm {year.year} của Khối./."
    )


def covenant_for(year: EmulationYear) -> Covenant:
    """The year's covenant, or a new unsaved draft with the defaults: the province as place, today's date, the
    usual preamble and closing."""
    try:
        return year.covenant
    except Covenant.DoesNotExist:
        pass
    return Covenant(
        year=year,
        place=year.bloc.province.name,
        issued_on=timezone.localdate(),
        preamble=default_preamble(year),
        closing=default_closing(year),
        version=0,
    )


def _registrations(year: EmulationYear) -> list[CovenantRegistration]:
    """The year's registrations with their versions sent, newest first (two queries)."""
    versions = CovenantRegistrationVersion.objects.order_by("-number")
    return list(
        CovenantRegistration.objects.filter(year=year).prefetch_related(Prefetch("versions", queryset=versions))
    )


def _last_sent(registrations: list[CovenantRegistration]) -> dict[int, CovenantRegistrationVersion]:
    result = {}
    for registration in registrations:
        sent = list(registration.versions.all())
        if sent:
            result[registration.unit_id] = sent[0]
    return result


def last_sent_versions(year: EmulationYear) -> dict[int, CovenantRegistrationVersion]:
    """The last version each unit sent, by unit id."""
    return _last_sent(_registrations(year))


def covenant_rows(year: EmulationYear) -> list[dict]:
    """Each member unit with its registration (or none) and the last version it sent (or none)."""
    members = list(members_in_year(bloc=year.bloc, year=year.year))
    registrations = _registrations(year)
    by_unit = {r.unit_id: r for r in registrations}
    sent = _last_sent(registrations)
    return [{"unit": u, "registration": by_unit.get(u.pk), "sent": sent.get(u.pk)} for u in members]


def units_not_sent(year: EmulationYear) -> list[Unit]:
    sent = set(
        CovenantRegistration.objects.filter(year=year, submitted_at__isnull=False).values_list("unit_id", flat=True)
    )
    return [u for u in members_in_year(bloc=year.bloc, year=year.year) if u.pk not in sent]


# --- a unit's registration -------------------------------------------------------------------------------


def _ensure_not_frozen(year: EmulationYear) -> None:
    """Asked of the database, not of a year object that may have cached its covenant before it was issued."""
    if Covenant.objects.filter(year=year, issued_at__isnull=False).exists():
        raise ValidationError(_("The covenant is issued: registrations can no longer change."))


def _stale() -> StaleRegistration:
    return StaleRegistration(
        _("Someone else saved this registration after you opened it; your input is kept below: save again to keep it.")
    )


def check_sendable(*, targets: str, titles: str, signatory_name: str, signatory_position: str) -> None:
    """What a registration needs before it is sent, every missing part named at once."""
    missing = {}
    if not target_lines(targets):
        missing["targets"] = _("Write at least one target, one per line.")
    if not titles.strip():
        missing["titles"] = _("Write the emulation titles and awards the unit registers for.")
    if not signatory_name.strip():
        missing["signatory_name"] = _("Write the full name of the head who signs for the unit.")
    if not signatory_position.strip():
        missing["signatory_position"] = _("Write the position of the head who signs for the unit.")
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def registration_save(
    *,
    registration: CovenantRegistration,
    targets: str,
    titles: str,
    signatory_name: str,
    signatory_position: str,
    expected_version: int | None,
    by,
) -> CovenantRegistration:
    """Save the unit's working copy (a draft until sent), refusing an empty list of targets and a stale form."""
    ensure_can(by, "blocs.covenant.register", (registration.year, registration.unit))
    _ensure_not_frozen(registration.year)
    lines = target_lines(targets)
    if not lines:
        raise ValidationError({"targets": _("Write at least one target, one per line.")})
    values = {
        "targets": "\n".join(lines),
        "titles": " ".join(titles.split()),
        "signatory_name": " ".join(signatory_name.split()),
        "signatory_position": " ".join(signatory_position.split()),
    }
    if registration.pk is not None and all(getattr(registration, k) == v for k, v in values.items()):
        # Nothing changed (e.g. "Send" on what is saved): no new edit version, so nothing new to send.
        if registration.version != expected_version:
            raise _stale()
        return registration
    for name, value in values.items():
        setattr(registration, name, value)
    registration.updated_by = by
    registration.full_clean(exclude=["year", "unit", "updated_by"], validate_unique=False)
    if registration.pk is None:
        if expected_version:  # the form was opened on a registration that has since been deleted
            raise _stale()
        registration.version = 1
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:  # another officer of the unit created it first
            raise _stale() from exc
    else:
        updated = CovenantRegistration.objects.filter(pk=registration.pk, version=expected_version).update(
            **values, updated_by=by, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated != 1:
            raise _stale()
        registration.refresh_from_db()
    audit(by, "blocs.covenant.registration_saved", registration, version=registration.version)
    return registration


@transaction.atomic
def registration_send(*, registration: CovenantRegistration, expected_version: int, by) -> CovenantRegistrationVersion:
    """Gửi: keep what is saved as a new version sent; the covenant reads the last version sent."""
    ensure_can(by, "blocs.covenant.register", (registration.year, registration.unit))
    _ensure_not_frozen(registration.year)
    if registration.pk is None:
        raise ValidationError(_("Save the registration before sending it."))
    locked = CovenantRegistration.objects.select_for_update().get(pk=registration.pk)
    if locked.version != expected_version:
        raise _stale()
    check_sendable(
        targets=locked.targets,
        titles=locked.titles,
        signatory_name=locked.signatory_name,
        signatory_position=locked.signatory_position,
    )
    if locked.sent_version == locked.version:
        raise ValidationError(_("This version was already sent; nothing has changed since."))
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    now = timezone.now()
    sent = CovenantRegistrationVersion.objects.create(
        registration=locked,
        number=number,
        snapshot={
            "unit": locked.unit.name,
            "targets": locked.target_list,
            "titles": locked.titles,
            "signatory_name": locked.signatory_name,
            "signatory_position": locked.signatory_position,
        },
        sent_at=now,
        sent_by=by,
    )
    CovenantRegistration.objects.filter(pk=locked.pk).update(submitted_at=now, sent_version=locked.version)
    registration.submitted_at, registration.sent_version = now, locked.version
    audit(by, "blocs.covenant.registration_sent", locked, number=number)
    year = registration.year
    if year.leader_id != registration.unit_id:
        notify_unit(
            year.leader,
            title=later(gettext_noop("Covenant registration received: %(unit)s"), unit=registration.unit.short_name),
            body=later(
                gettext_noop("%(unit)s sent its registration for the %(year)s covenant (version %(number)s)."),
                unit=registration.unit.name,
                year=year.year,
                number=number,
            ),
            link=covenant_link(year),
            key=f"covenant-registration-sent:{locked.pk}:{number}",
        )
    return sent


# --- the covenant ----------------------------------------------------------------------------------------


def _ensure_draft(covenant: Covenant, by) -> None:
    ensure_can(by, "blocs.covenant.issue", covenant.year)
    if covenant.pk and Covenant.objects.filter(pk=covenant.pk, issued_at__isnull=False).exists():
        raise ValidationError(_("The covenant is issued and can no longer be changed."))


@transaction.atomic
def covenant_save(
    *,
    covenant: Covenant,
    place: str,
    issued_on: datetime.date,
    preamble: str,
    closing: str,
    expected_version: int | None,
    by,
) -> Covenant:
    """The leader's draft: place and date of the document, preamble and closing (one paragraph a line)."""
    _ensure_draft(covenant, by)
    values = {
        "place": " ".join(place.split()),
        "issued_on": issued_on,
        "preamble": "\n".join(line.strip() for line in preamble.splitlines() if line.strip()),
        "closing": "\n".join(line.strip() for line in closing.splitlines() if line.strip()),
    }
    errors = {}
    if not values["place"]:
        errors["place"] = _("Write the place of the document, e.g. the province.")
    if not values["preamble"]:
        errors["preamble"] = _("Write the preamble of the covenant.")
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(covenant, name, value)
    covenant.updated_by = by
    covenant.full_clean(exclude=["year", "number", "issued_by", "updated_by"], validate_unique=False)
    if covenant.pk is None:
        if expected_version:
            raise StaleCovenant(_("Someone else changed the covenant after you opened it; your input is kept below."))
        covenant.version = 1
        try:
            with transaction.atomic():
                covenant.save()
        except IntegrityError as exc:  # the year's covenant was created meanwhile (one per year)
            raise StaleCovenant(
                _("Someone else changed the covenant after you opened it; your input is kept below.")
            ) from exc
    else:
        updated = Covenant.objects.filter(pk=covenant.pk, version=expected_version, issued_at__isnull=True).update(
            **values, updated_by=by, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated != 1:
            raise StaleCovenant(_("Someone else changed the covenant after you opened it; your input is kept below."))
        covenant.refresh_from_db()
    audit(by, "blocs.covenant.saved", covenant, version=covenant.version)
    return covenant


class CovenantKind(IssuedKind):
    """The covenant in the one lifecycle: issued in the bloc's register (GƯTĐ) of the year of its date once every
    member unit has sent its registration, every member unit told; issued is final (no correction in place)."""

    name = "blocs.covenant"
    slug = "covenant"
    model = Covenant
    url_prefix = "blocs:covenant"
    pages = ("page", "edit", "preview", "issue", "render")
    page_action = "blocs.covenant.view"
    edit_action = "blocs.covenant.issue"
    document_action = "blocs.covenant.document"
    doc_type = DOC_TYPE
    register = Register(next_number=register_next_number, take=register_take)
    corrections = None  # a signed mutual pledge is corrected by a new document, not by editing the signed one
    revision_field = "version"  # the issued text is a version of its own: renderings of the draft are not it
    status_field = None
    load_related = ("year__bloc__province", "year__leader")
    stale_class = StaleCovenant
    frozen = already_issued = gettext_lazy("The covenant is issued and can no longer be changed.")
    stale = gettext_lazy("Someone else changed the covenant after you opened it; your input is kept below.")
    issued_message = gettext_lazy("The covenant was issued as number %(number)s.")
    saved_message = gettext_lazy("The draft covenant was saved.")
    preview_title = gettext_lazy("Preview as it will be printed")
    templates = {"page": "blocs/covenant/covenant.html", "edit": "blocs/covenant/covenant_edit.html"}

    def current(self, year: EmulationYear) -> Covenant:
        """Never None: before the first save, the defaults."""
        return covenant_for(year)

    def register_year(self, covenant: Covenant) -> int:
        return covenant.issued_on.year

    def register_title(self, covenant: Covenant) -> str:
        return f"Bản giao ước thi đua năm {covenant.year.year}"

    def issue_problems(self, covenant: Covenant) -> list[str]:
        missing = units_not_sent(covenant.year)
        if not missing:
            return []
        return [
            _("The covenant cannot be issued yet: %(units)s have not sent their registration.")
            % {"units": ", ".join(u.short_name for u in missing)}
        ]

    def before_issue(self, covenant: Covenant, by) -> None:
        if covenant.pk is None:  # issued straight from the defaults
            covenant.version = 1
            try:
                with transaction.atomic():
                    covenant.save()
            except IntegrityError as exc:  # the draft was saved meanwhile: issue that one, as the leader sees it
                raise StaleCovenant(
                    _("Someone else changed the covenant after you opened it; check it and issue again.")
                ) from exc

    def after_issue(self, covenant: Covenant, by) -> None:
        year, bloc = covenant.year, covenant.year.bloc
        for unit in members_in_year(bloc=bloc, year=year.year):
            notify_unit(
                unit,
                title=later(gettext_noop("The %(year)s covenant was issued"), year=year.year),
                body=later(
                    gettext_noop("%(leader)s issued the emulation covenant number %(number)s of %(bloc)s."),
                    leader=year.leader.name,
                    number=covenant.number_text,
                    bloc=bloc.name,
                ),
                link=covenant_link(year),
                key=f"covenant-issued:{covenant.pk}",
            )

    def build(self, covenant: Covenant):
        from .covenant_documents import covenant_document

        return covenant_document(covenant)


COVENANT = CovenantKind()


def covenant_issue(*, covenant: Covenant, by, number: int | None = None) -> Covenant:
    """Ban hành: refused while a member unit has not sent its registration; takes the number in the bloc's
    register (type GƯTĐ, the year of the document's date), freezes the covenant and tells every member unit."""
    return lifecycle.issue(COVENANT, covenant, number=number, by=by)
