from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("language/", views.set_language, name="set-language"),
    path("healthz/", views.healthz, name="healthz"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("documents/<int:pk>/status/", views.document_status, name="document-status"),
]
