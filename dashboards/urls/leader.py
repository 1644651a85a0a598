"""URLs of the leader dashboard (joined in dashboards/urls/__init__.py, same "dashboards" namespace)."""

from django.urls import path

from ..views import leader as views

urlpatterns: list = [
    path("blocs/<slug:slug>/years/<int:year>/leader/", views.leader_dashboard, name="leader-dashboard"),
]
