"""URLs of the leader dashboard (joined in dashboards/urls.py, same "dashboards" namespace)."""

from django.urls import path

from . import views_leader

urlpatterns: list = [
    path("blocs/<slug:slug>/years/<int:year>/leader/", views_leader.leader_dashboard, name="leader-dashboard"),
]
