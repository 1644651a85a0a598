"""URLs of the submissions pages (appended to conference/urls.py, same namespace)."""

from django.urls import path

from . import views_submissions as views

S = "blocs/<slug:slug>/years/<int:year>/submissions/"

urlpatterns: list = [
    path(S, views.unit_submissions, name="submissions"),
    path(S + "matrix/", views.submission_matrix, name="submission-matrix"),
    path(S + "file/<int:version_pk>/", views.submission_file, name="submission-file"),
    path(S + "<int:deadline_pk>/upload/", views.submission_upload, name="submission-upload"),
    path(S + "<int:deadline_pk>/write/", views.submission_write, name="submission-write"),
    path(S + "<int:deadline_pk>/zip/", views.submission_zip, name="submission-zip"),
    path(S + "<int:deadline_pk>/units/<int:unit_pk>/accept/", views.submission_accept, name="submission-accept"),
    path(S + "<int:deadline_pk>/units/<int:unit_pk>/return/", views.submission_return, name="submission-return"),
    path(S + "<int:deadline_pk>/units/<int:unit_pk>/extend/", views.extension_grant, name="submission-extend"),
]
