"""Shared models: the user, a timestamped base, the audit log, the heartbeat, notifications, the outbox."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .collation import COLLATION


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who signs in: an officer of a unit, staff of the provincial board, or an admin."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True, db_collation=COLLATION)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # One account per address: a password link sent to an address reaches one person's account.
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.full_name or super().get_short_name() or self.username


class AuditLog(models.Model):
    """Who did what to which record, written in the same transaction as the change itself."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.target_repr}"


class Heartbeat(models.Model):
    """The last time each background process proved it runs (beat schedules, the worker executes)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("last beat"))
    count = models.PositiveBigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%d/%m/%Y %H:%M:%S}"


class Notification(models.Model):
    """Thông báo: an in-app message to one user, unread until they open it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    # Site-relative ("/years/2020/…"): never an absolute URL, so a notification cannot send anyone off-site.
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # "<caller's key>:<user id>": a repeated notify() for the same event (a retried reminder) adds nothing.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True, null=True, blank=True)
    # {"en": {"title": …, "body": …}, "vi": {…}}: the same message in every language of the interface, so that
    # it reads in the language the recipient uses now, not the one they used when it was sent. `title` and
    # `body` keep the recipient's language of that moment (the e-mail's, and the fallback).
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_recipient_read")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def _text(self, part: str) -> str:
        shown = (self.texts or {}).get(translation.get_language() or "", {})
        return shown.get(part) or getattr(self, part)

    @property
    def shown_title(self) -> str:
        """The title in the active language (the one stored at sending when there is no other)."""
        return self._text("title")

    @property
    def shown_body(self) -> str:
        return self._text("body")


class OutboxMessage(models.Model):
    """One e-mail to send: written in the transaction that decided to send it, sent after commit."""

    class Status(models.TextChoices):
        # Kept here rather than in an enums module: only the outbox uses it.
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    class Delivery(models.TextChoices):
        """Where a message stands, as people are shown it (`delivery`)."""

        QUEUED = "queued", _("queued")
        RETRYING = "retrying", _("retrying")
        GIVEN_UP = "given_up", _("given up")
        SENT = "sent", _("sent")

    to_email = models.EmailField(_("to"))
    # The user the address belonged to when the message was queued: whose undelivered mail it is (NULL for an
    # address of no user). Not a cascade: the record of what was sent outlives an account.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("content"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # NULL once the outbox has given up: the claim (next_attempt_at <= now) never matches it again.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, default=timezone.now)
    # When a worker last claimed it for sending: a row "sending" since long before is recovered by the flush,
    # and the claiming worker marks the outcome only while its claim still holds (a fencing token).
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True, null=True, blank=True)
    # The start of the retry period: failures are retried for OUTBOX_RETRY_HOURS after it, then given up. Its
    # creation, or the moment someone resent it.
    retry_from = models.DateTimeField(_("retried since"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("mail outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_outbox_due")]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"

    @property
    def delivery(self) -> str:
        """Sent; given up (failed with no next attempt); retrying (it has failed, or a retry is under way); or
        queued (not tried yet, or resent and due)."""
        if self.status == self.Status.SENT:
            return self.Delivery.SENT
        if self.status == self.Status.FAILED:
            return self.Delivery.RETRYING if self.next_attempt_at is not None else self.Delivery.GIVEN_UP
        if self.status == self.Status.SENDING and self.attempts > 1:
            return self.Delivery.RETRYING
        return self.Delivery.QUEUED

    def get_delivery_display(self) -> str:
        return str(self.Delivery(self.delivery).label)


class RenderedDocument(TimeStampedModel):
    """A stored rendering (PDF or DOCX) of an official document: versioned, never re-rendered on download.
    `kind` names the builder registered in core.documents.registry; `object_id` the record it renders;
    `object_revision` and `state` the revision of its text and whether it was a draft: a draft's rendering is shown
    to its editors alone, and never offered as the issued document.

    Every rendering ends, done or failed (core/documents/services.py): `attempts` counts its hand-overs to the
    documents queue, `claimed_at` is when a worker took it (a later writer must still hold that claim), and the
    beat's sweep hands over again a rendering whose worker was lost or whose message never arrived."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        """Why a rendering failed: each has its own words on the page (core/_document_status.html)."""

        UNSENT = "unsent", _("The file server could not be reached")  # the sweep hands it over when it can
        ERROR = "error", _("The document could not be rendered")
        TIMEOUT = "timeout", _("Rendering took too long")
        INTERRUPTED = "interrupted", _("Rendering was interrupted")
        NOT_STARTED = "not_started", _("No file server took it up")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

    class State(models.TextChoices):
        """What the record was when it was rendered (as asked, then as the worker found it)."""

        DRAFT = "draft", pgettext_lazy("rendering state", "Draft")
        ISSUED = "issued", pgettext_lazy("rendering state", "Issued")

    kind = models.CharField(_("kind"), max_length=50)
    object_id = models.CharField(_("object"), max_length=64)
    object_version = models.PositiveIntegerField(_("version of the document"), default=1)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    seconds = models.FloatField(_("render time (s)"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure = models.CharField(_("reason of the failure"), max_length=12, choices=Failure.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("rendering attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # The revision of the record's text (its optimistic lock: every save of a draft moves it on) and its state: as
    # asked, then what the worker rendered. NULL: rendered before revisions were recorded (a draft, for safety).
    object_revision = models.PositiveIntegerField(_("revision of the text"), null=True, blank=True)
    state = models.CharField(_("state rendered"), max_length=6, choices=State.choices, default=State.DRAFT)

    class Meta:
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "object_id", "format"]),
            # The sweep's question: which renderings are not finished (few rows among many done).
            models.Index(
                fields=["status", "updated_at"],
                name="core_rendered_unfinished",
                condition=~models.Q(status="done"),
            ),
        ]

    def __str__(self) -> str:
        return self.file_name or f"{self.kind} {self.object_id} v{self.object_version}.{self.format}"

    @property
    def is_unfinished(self) -> bool:
        """Waiting or rendering: the page polls it."""
        return self.status in (self.Status.PENDING, self.Status.RENDERING)

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def will_retry(self) -> bool:
        """Failed only because the queue could not be reached: the sweep hands it over again by itself."""
        return self.status == self.Status.FAILED and self.failure == self.Failure.UNSENT


def pending_upload_path(instance: "PendingUpload", filename: str) -> str:
    return f"pending/{instance.owner_id}/{filename}"


class PendingUpload(models.Model):
    """A file chosen on a form that was refused for another reason: kept (checked, in private storage) for its owner
    and shown again on the form, attached by the next save that succeeds, swept after a day (core/pending.py).

    `scope` names what the form edits ("scoring.sheet:<year id>:<unit id>": the record may not exist yet), `field`
    the form's field the file was chosen in."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(_("form"), max_length=100)
    field = models.CharField(_("form field"), max_length=100)
    file = models.FileField(_("file"), upload_to=pending_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner", "scope"], name="core_pending_owner_scope")]

    def __str__(self) -> str:
        return self.original_name
