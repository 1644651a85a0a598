"""Shared models: the user, a timestamped base, the audit log, the heartbeat, notifications, the outbox."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

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

    to_email = models.EmailField(_("to"))
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

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("mail outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_outbox_due")]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class RenderedDocument(TimeStampedModel):
    """A stored rendering (PDF or DOCX) of an official document: versioned, never re-rendered on download.
    `kind` names the builder registered in core.documents.registry; `object_id` the record it renders."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

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

    class Meta:
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "object_id", "format"])]

    def __str__(self) -> str:
        return self.file_name or f"{self.kind} {self.object_id} v{self.object_version}.{self.format}"


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
