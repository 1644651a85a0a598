"""URLs of the conference app: a year's plan and its delegates."""

from django.urls import path

from . import views

app_name = "conference"

Y = "blocs/<slug:slug>/years/<int:year>/"

urlpatterns = [
    path(Y + "plan/", views.plan_detail, name="plan"),
    path(Y + "plan/preview/", views.plan_preview, name="plan-preview"),
    path(Y + "plan/edit/", views.plan_edit, name="plan-edit"),
    path(Y + "plan/issue/", views.plan_issue, name="plan-issue"),
    path(Y + "plan/new-version/", views.plan_new_version, name="plan-new-version"),
    path(Y + "plan/render/<str:fmt>/", views.plan_render, name="plan-render"),
    path(Y + "delegates/", views.delegate_list, name="delegates"),
    path(Y + "delegates/add/", views.delegate_add, name="delegate-add"),
    path(Y + "delegates/<int:pk>/remove/", views.delegate_remove, name="delegate-remove"),
    path(Y + "delegates/attendance/", views.attendance, name="attendance"),
]

# Each part of the app keeps its URLs in its own module; they share the "conference" namespace.
from . import urls_comments, urls_reminders, urls_submissions  # noqa: E402

urlpatterns += urls_submissions.urlpatterns + urls_comments.urlpatterns + urls_reminders.urlpatterns

from . import urls_minutes  # noqa: E402

urlpatterns += urls_minutes.urlpatterns

from . import urls_summary  # noqa: E402

urlpatterns += urls_summary.urlpatterns
