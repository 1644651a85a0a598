"""The data of a bloc's year: provinces, units, blocs, memberships, people, years and their calendars."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.collation import COLLATION
from core.models import TimeStampedModel
from core.validators import UploadValidator

from .enums import Audience, DeadlineKind, LeaderSource, Phase


class Province(TimeStampedModel):
    """Tỉnh: the level whose emulation board sets blocs up."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("Without “tỉnh”, e.g. Tuyên Quang."))
    code = models.CharField(_("code"), max_length=20, unique=True)
    authority_name = models.CharField(
        _("name in document headers"),
        max_length=200,
        blank=True,
        help_text=_(
            "The people's committee as written above the issuer, in capitals; empty: “UBND TỈNH” and the name."
        ),
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def header_name(self) -> str:
        """ "UBND TỈNH TUYÊN QUANG": the body above a bloc's or a unit's name in an official document's header."""
        return self.authority_name or f"UBND TỈNH {self.name.upper()}"


class Unit(TimeStampedModel):
    """Đơn vị: a government agency that can belong to a bloc."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="units")
    # In Vietnamese order wherever they are sorted (core.collation).
    name = models.CharField(_("unit name"), max_length=200, db_collation=COLLATION)
    short_name = models.CharField(_("short name"), max_length=100, db_collation=COLLATION)
    code = models.CharField(_("document code"), max_length=20, help_text=_("Used in document numbers, e.g. STP."))
    parent_body = models.CharField(
        _("parent body"), max_length=200, blank=True, help_text=_("As written in document headers, in capitals.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="unit_code_unique_in_province"),
            models.UniqueConstraint(fields=["province", "name"], name="unit_name_unique_in_province"),
        ]

    def __str__(self) -> str:
        return self.name


class Bloc(TimeStampedModel):
    """Khối thi đua: a group of units with similar functions that compete each year."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="blocs")
    name = models.CharField(_("name"), max_length=200, db_collation=COLLATION)
    short_name = models.CharField(_("short name"), max_length=100)
    code = models.CharField(_("document code"), max_length=20, help_text=_("Used in document numbers, e.g. KTĐNC."))
    slug = models.SlugField(_("web address (slug)"), max_length=40, unique=True)
    regulation_title = models.CharField(
        _("regulation"),
        max_length=300,
        blank=True,
        help_text=_("The title of the bloc's regulation, as in its decision."),
    )
    regulation_number = models.CharField(_("regulation decision number"), max_length=50, blank=True)
    regulation_date = models.DateField(_("regulation decision date"), null=True, blank=True)
    regulation_issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    regulation_file = models.FileField(
        _("regulation file"),
        upload_to="blocs/regulations/",
        blank=True,
        validators=[UploadValidator(("pdf", "docx"))],
    )
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("emulation bloc")
        verbose_name_plural = _("emulation blocs")
        ordering = ["province__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="bloc_code_unique_in_province"),
        ]

    def __str__(self) -> str:
        return self.name

    def setting(self, key: str):
        return self.settings.get(key, settings.BLOC_SETTING_DEFAULTS[key])

    @property
    def issuer_name(self) -> str:
        """ "KHỐI THI ĐUA NỘI CHÍNH": the issuer in an official document's header — the name without the
        province, upper case."""
        name = self.name
        suffix = f" tỉnh {self.province.name}"
        if name.endswith(suffix):
            name = name[: -len(suffix)]
        return name.upper()


class Membership(TimeStampedModel):
    """A unit's membership of a bloc from one year to another (open-ended while it lasts)."""

    bloc = models.ForeignKey(Bloc, verbose_name=_("bloc"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships")
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["bloc", "unit__name", "start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="membership_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["bloc", "start_year", "end_year"])]

    def __str__(self) -> str:
        return f"{self.unit} – {self.bloc} ({self.period})"

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year or '…'}"

    def clean(self) -> None:
        if self.end_year is not None and self.start_year is not None and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year cannot come before the first year.")})

    def covers(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)


class RotationSlot(models.Model):
    """One place in the bloc's rotation order of leaders (luân phiên Trưởng khối)."""

    bloc = models.ForeignKey(Bloc, verbose_name=_("bloc"), on_delete=models.CASCADE, related_name="rotation")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("place in the order"))

    class Meta:
        verbose_name = _("rotation place")
        verbose_name_plural = _("rotation order")
        ordering = ["bloc", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "unit"], name="rotation_unit_once"),
            models.UniqueConstraint(fields=["bloc", "position"], name="rotation_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.unit}"


class EmulationYear(TimeStampedModel):
    """Năm thi đua: one bloc's year, with its leader and deputy units, phase and calendar."""

    bloc = models.ForeignKey(Bloc, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    leader = models.ForeignKey(Unit, verbose_name=_("leader unit"), on_delete=models.PROTECT, related_name="led_years")
    deputy = models.ForeignKey(
        Unit,
        verbose_name=_("deputy leader unit"),
        on_delete=models.PROTECT,
        related_name="deputy_years",
        null=True,
        blank=True,
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.LAUNCH)
    settings_override = models.JSONField(_("settings for this year"), default=dict, blank=True)

    class Meta:
        verbose_name = _("emulation year")
        verbose_name_plural = _("emulation years")
        ordering = ["bloc", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year"], name="one_year_per_bloc"),
            models.CheckConstraint(condition=~Q(leader=models.F("deputy")), name="leader_is_not_deputy"),
        ]

    def __str__(self) -> str:
        return f"{self.bloc} – {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED

    def setting(self, key: str):
        if key in self.settings_override:
            return self.settings_override[key]
        return self.bloc.setting(key)


class Deadline(TimeStampedModel):
    """One entry of a year's calendar: what is due, from whom, when it opens and when it is due."""

    year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    audience = models.CharField(_("applies to"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("calendar")
        ordering = ["year", "due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(opens_at__lte=models.F("due_at")),
                name="deadline_opens_before_due",
            ),
            models.CheckConstraint(
                condition=(Q(audience=Audience.UNIT) & Q(unit__isnull=False))
                | (~Q(audience=Audience.UNIT) & Q(unit__isnull=True)),
                name="deadline_unit_iff_audience_unit",
            ),
        ]
        indexes = [models.Index(fields=["due_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.opens_at and self.due_at and self.opens_at > self.due_at:
            errors["opens_at"] = _("A deadline cannot open after it is due.")
        if self.audience == Audience.UNIT and self.unit_id is None:
            errors["unit"] = _("Choose the unit this deadline applies to.")
        if self.audience != Audience.UNIT and self.unit_id is not None:
            errors["unit"] = _("Leave the unit empty unless the deadline applies to one unit.")
        if errors:
            raise ValidationError(errors)


class LeaderTerm(models.Model):
    """The history of leaders: who led (and deputised) a bloc in a year, and how they were chosen."""

    bloc = models.ForeignKey(Bloc, verbose_name=_("bloc"), on_delete=models.CASCADE, related_name="leader_terms")
    year = models.PositiveSmallIntegerField(_("year"))
    leader = models.ForeignKey(Unit, verbose_name=_("leader unit"), on_delete=models.PROTECT, related_name="+")
    deputy = models.ForeignKey(
        Unit,
        verbose_name=_("deputy leader unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("how chosen"), max_length=20, choices=LeaderSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("leader term")
        verbose_name_plural = _("history of leaders")
        ordering = ["bloc", "-year", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.year}: {self.leader}"


class Person(TimeStampedModel):
    """A user's place: an officer of a unit, or staff of a province's emulation board."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="person"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="officers"
    )
    board_province = models.ForeignKey(
        Province,
        verbose_name=_("board of province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="board_staff",
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(board_province__isnull=True))
                | (Q(unit__isnull=True) & Q(board_province__isnull=False)),
                name="person_is_officer_xor_board",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_board(self) -> bool:
        return self.board_province_id is not None


class RegisterEntry(models.Model):
    """The bloc's document register (sổ đăng ký văn bản): one number per type of document and year."""

    bloc = models.ForeignKey(Bloc, verbose_name=_("bloc"), on_delete=models.CASCADE, related_name="register")
    year = models.PositiveSmallIntegerField(_("year"))
    doc_type = models.CharField(_("type"), max_length=10, help_text=_("KH, BC, BB, TTr …"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("summary"), max_length=300)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("document register")
        ordering = ["bloc", "-year", "doc_type", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year", "doc_type", "number"], name="register_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}/{self.doc_type}-{self.bloc.code} ({self.year})"


# --- the emulation covenant (giao ước thi đua) -------------------------------------------------------------


class CovenantRegistration(TimeStampedModel):
    """Đăng ký thi đua: one member unit's targets, titles and signatory for the year's covenant.

    The row is the unit's working copy; each time the unit sends it, a CovenantRegistrationVersion keeps what
    was sent, and the covenant is built from the last version sent."""

    year = models.ForeignKey(
        EmulationYear,
        verbose_name=_("emulation year"),
        on_delete=models.CASCADE,
        related_name="covenant_registrations",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="covenant_registrations"
    )
    targets = models.TextField(_("targets"), blank=True, help_text=_("One target per line."))
    titles = models.CharField(
        _("emulation titles and awards registered"),
        max_length=500,
        blank=True,
        help_text=_("e.g. Tập thể lao động xuất sắc; Cờ thi đua của Ủy ban nhân dân tỉnh"),
    )
    signatory_name = models.CharField(_("signatory's full name"), max_length=150, blank=True)
    signatory_position = models.CharField(_("signatory's position"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("edit version"), default=1)
    submitted_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    sent_version = models.PositiveIntegerField(_("edit version last sent"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("covenant registration")
        verbose_name_plural = _("covenant registrations")
        ordering = ["year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="covenant_registration_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}"

    @property
    def target_list(self) -> list[str]:
        return [line.strip() for line in self.targets.splitlines() if line.strip()]

    @property
    def is_sent(self) -> bool:
        return self.submitted_at is not None

    @property
    def has_unsent_changes(self) -> bool:
        """Saved after it was last sent: the covenant still reads the version sent."""
        return self.is_sent and self.sent_version != self.version


class CovenantRegistrationVersion(models.Model):
    """A registration as the unit sent it: kept for ever, and what the covenant document reads."""

    registration = models.ForeignKey(
        CovenantRegistration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content sent"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sent registration")
        verbose_name_plural = _("sent registrations")
        ordering = ["registration", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "number"], name="covenant_registration_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} v{self.number}"

    @property
    def targets(self) -> list[str]:
        return list(self.snapshot.get("targets", []))

    @property
    def titles(self) -> str:
        return self.snapshot.get("titles", "")

    @property
    def signatory_name(self) -> str:
        return self.snapshot.get("signatory_name", "")

    @property
    def signatory_position(self) -> str:
        return self.snapshot.get("signatory_position", "")


class Covenant(TimeStampedModel):
    """Bản giao ước thi đua: the document the year's leader unit issues from the units' registrations.

    Issued once, then frozen: registrations no longer change and neither does the covenant."""

    year = models.OneToOneField(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="covenant"
    )
    number = models.PositiveIntegerField(_("number in the register"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100)
    issued_on = models.DateField(_("date of the document"))
    preamble = models.TextField(_("preamble"), help_text=_("One paragraph per line."))
    closing = models.TextField(_("closing"), blank=True, help_text=_("One paragraph per line."))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("edit version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Decree 30 (Phụ lục III) has no abbreviation for a covenant; GƯTĐ (giao ước thi đua) is formed from the
    # initials of the document's name, the way the listed ones are (KH, BC, TTr …).
    DOC_TYPE = "GƯTĐ"

    class Meta:
        verbose_name = _("emulation covenant")
        verbose_name_plural = _("emulation covenants")

    def __str__(self) -> str:
        return f"Bản giao ước thi đua năm {self.year.year} – {self.year.bloc}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def number_text(self) -> str:
        number = f"{self.number:02d}" if self.number else "…"
        return f"{number}/{self.DOC_TYPE}-{self.year.bloc.code}"


# --- accounts: one-time links, unit changes, bulk imports ------------------------------------------------


class SetupLink(models.Model):
    """A one-time link to choose a password: an invitation, a reset asked for by its owner, or a link the board
    hands over on paper. Only the token's SHA-256 is stored; a new link voids the account's older ones."""

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        RESET = "reset", _("password reset")
        HANDOVER = "handover", _("link handed over")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="setup_links"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("password link")
        verbose_name_plural = _("password links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="setuplink_user_latest")]

    def __str__(self) -> str:
        return f"{self.user} {self.purpose} {self.created_at:%d/%m/%Y %H:%M}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.voided_at is None and self.expires_at > now


class UnitChange(models.Model):
    """An officer moved from one unit of the province to another: what they did before stays theirs."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="unit_changes")
    from_unit = models.ForeignKey(Unit, verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("moved at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("change of unit")
        verbose_name_plural = _("changes of unit")
        ordering = ["person", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person}: {self.from_unit} → {self.to_unit}"


class ImportBatch(TimeStampedModel):
    """An Excel file the board uploaded to create many records at once: previewed, then imported (or not)."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("units and officers")
        MEMBERS = "members", _("members and rotation of a bloc")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        IMPORTED = "imported", _("imported")
        DISCARDED = "discarded", _("discarded")

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    bloc = models.ForeignKey(
        Bloc, verbose_name=_("bloc"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    file = models.FileField(_("file"), upload_to="imports/%Y/")
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    summary = models.JSONField(_("what was created"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"
