from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import notifications
from .models import AuditLog, Heartbeat, Notification, OutboxMessage, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Emulation bloc"), {"fields": ("full_name", "language")}),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "target_repr")
    list_filter = ("action",)
    readonly_fields = ("created_at", "actor", "action", "target_type", "target_id", "target_repr", "data")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Heartbeat)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: shown, never added or edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "title", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    list_select_related = ("recipient",)
    search_fields = ("title", "recipient__username", "recipient__full_name")
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to_email", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to_email", "subject", "dedupe_key")
    date_hierarchy = "created_at"
    actions = ["retry_now"]

    @admin.action(description=_("Retry the selected failed e-mails now"))
    def retry_now(self, request, queryset):
        # Only failed rows, given up or not: a row stuck in "sending" may already have been delivered. The same
        # resend as on the pages of undelivered mail (a fresh retry period, audited), for any message.
        failed = queryset.filter(status=OutboxMessage.Status.FAILED)
        count = len(notifications.outbox_requeue(messages=failed, by=request.user, via="admin"))
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be retried within a minute.",
                "%(count)d e-mails will be retried within a minute.",
                count,
            )
            % {"count": count},
        )
