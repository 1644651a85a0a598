"""URLs of the conference app: a year's plan and its delegates, the comment round, the minutes, the summary."""

from django.urls import path

from ..views import plan as views
from . import comments, meetings, minutes, summary

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

# The comment round, the minutes and the summary report keep their URLs in their own modules, in the same namespace.
urlpatterns += comments.urlpatterns + minutes.urlpatterns + summary.urlpatterns + meetings.urlpatterns
