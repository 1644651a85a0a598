"""The Django admin of core, and the rules every app's admin follows: each change made there writes an audit row
(AuditedAdmin), and history (audit log, score history, submitted versions, ballots) is shown, never edited
(HistoryAdmin)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import notifications
from .audit import audit
from .models import AuditLog, Heartbeat, Notification, OutboxMessage, User


class AuditedAdmin(admin.ModelAdmin):
    """Every addition, change and deletion made in the admin writes an audit row beside Django's LogEntry, in the
    same transaction. Every ModelAdmin registered on the site derives from it (tests/core/test_admin_history.py)."""

    def _audit(self, request, verb: str, obj, message="") -> None:
        audit(request.user, f"admin.{verb}", obj, model=obj._meta.label_lower, message=str(message or ""))

    def log_addition(self, request, obj, message):
        self._audit(request, "added", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, "changed", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, "deleted", obj)
        return super().log_deletions(request, queryset)


class HistoryAdmin(AuditedAdmin):
    """History: shown in the admin, never added, changed or deleted there (a POST gets 403)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def audited(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """`admin_class` with AuditedAdmin's logging: for the admins of Django and of libraries."""
    if issubclass(admin_class, AuditedAdmin):
        return admin_class
    return type(f"Audited{admin_class.__name__}", (AuditedAdmin, admin_class), {"__module__": __name__})


# The admins registered before this module (django.contrib.auth's groups, django-axes' records: INSTALLED_APPS
# lists them before core) get the audit too.
for _model, _model_admin in list(admin.site._registry.items()):
    if not isinstance(_model_admin, AuditedAdmin):
        admin.site.unregister(_model)
        admin.site.register(_model, audited(type(_model_admin)))


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Emulation bloc"), {"fields": ("full_name", "language")}),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")


@admin.register(AuditLog)
class AuditLogAdmin(HistoryAdmin):
    list_display = ("created_at", "actor", "action", "target_repr")
    list_filter = ("action",)
    readonly_fields = ("created_at", "actor", "action", "target_type", "target_id", "target_repr", "data")


admin.site.register(Heartbeat, AuditedAdmin)


class ReadOnlyAdmin(AuditedAdmin):
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
