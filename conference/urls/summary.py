"""URLs of the bloc's summary report (appended to conference/urls.py, same namespace)."""

from django.urls import path

from ..views import summary as views

S = "blocs/<slug:slug>/years/<int:year>/summary/"

urlpatterns: list = [
    path(S, views.summary_detail, name="summary"),
    path(S + "edit/", views.summary_edit, name="summary-edit"),
    path(S + "preview/", views.summary_preview, name="summary-preview"),
    path(S + "quote/", views.summary_quote, name="summary-quote"),
    path(S + "send/", views.summary_send, name="summary-send"),
    path(S + "issue/", views.summary_issue, name="summary-issue"),
    path(S + "new-version/", views.summary_new_version, name="summary-new-version"),
    path(S + "render/<str:fmt>/", views.summary_render, name="summary-render"),
]
