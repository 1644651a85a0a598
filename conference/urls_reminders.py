"""URLs of the reminders pages (appended to conference/urls.py, same namespace)."""

from django.urls import path

from . import views_reminders

urlpatterns: list = [
    path("blocs/<slug:slug>/years/<int:year>/reminders/", views_reminders.reminder_log, name="reminders"),
]
