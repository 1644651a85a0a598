"""What the record of an issued document stores for the one lifecycle (core/documents/lifecycle.py): its state,
its number in the register once issued, the optimistic lock its forms carry, the revision its renderings are tied
to, and who issued and last changed it. A new kind's model inherits it and adds what the document is about (its
year, its proposal…) and `register_code()` (the bloc's code its number is written with)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan status", "Draft")
    ISSUED = "issued", pgettext_lazy("plan status", "Issued")


class IssuedRecord(TimeStampedModel):
    doc_type = ""  # the register's document type: "BB", "TTr"…

    status = models.CharField(_("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)  # optimistic lock of the page's forms
    revision = models.PositiveIntegerField(_("revision"), default=1)  # 2, 3… after a correction of the issued one
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    def register_code(self) -> str:
        """The code the number is written with ("KTĐNC" in "05/BB-KTĐNC")."""
        raise NotImplementedError

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED

    @property
    def number_text(self) -> str:
        number = f"{self.number:02d}" if self.number else "…"
        return f"{number}/{self.doc_type}-{self.register_code()}"
