from django.urls import path

from . import views
from .documents import views as document_views
from .outbox import views as outbox_views

app_name = "core"

urlpatterns = [
    path("language/", views.set_language, name="set-language"),
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("mail/undelivered/<slug:audience>/<str:key>/", outbox_views.undelivered_mail, name="undelivered-mail"),
    path(
        "mail/undelivered/<slug:audience>/<str:key>/resend/",
        outbox_views.undelivered_mail_resend,
        name="undelivered-mail-resend",
    ),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("documents/<int:pk>/status/", views.document_status, name="document-status"),
    path("documents/<int:pk>/retry/", document_views.rendering_retry, name="document-retry"),
]
