"""URLs of the reports app: a year's submissions (each unit's page, the leader's matrix) and the reminders sent."""

from django.urls import path

from .views import reminders, submissions

app_name = "reports"

S = "blocs/<slug:slug>/years/<int:year>/submissions/"

urlpatterns = [
    path(S, submissions.unit_submissions, name="submissions"),
    path(S + "matrix/", submissions.submission_matrix, name="submission-matrix"),
    path(S + "file/<int:version_pk>/", submissions.submission_file, name="submission-file"),
    path(S + "<int:deadline_pk>/upload/", submissions.submission_upload, name="submission-upload"),
    path(S + "<int:deadline_pk>/write/", submissions.submission_write, name="submission-write"),
    path(S + "<int:deadline_pk>/zip/", submissions.submission_zip, name="submission-zip"),
    path(S + "<int:deadline_pk>/units/<int:unit_pk>/accept/", submissions.submission_accept, name="submission-accept"),
    path(S + "<int:deadline_pk>/units/<int:unit_pk>/return/", submissions.submission_return, name="submission-return"),
    path(S + "<int:deadline_pk>/units/<int:unit_pk>/extend/", submissions.extension_grant, name="submission-extend"),
    path("blocs/<slug:slug>/years/<int:year>/reminders/", reminders.reminder_log, name="reminders"),
]
