"""URLs of the dashboards: the home page of each role; the board's dashboard (urls/board.py), its statistics of
proposals and awards (urls/awards_stats.py) and the leader's (urls/leader.py) keep their URLs in their own modules,
in the same "dashboards" namespace."""

from django.urls import path

from .. import views
from . import awards_stats, board, leader

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
]
urlpatterns += board.urlpatterns + awards_stats.urlpatterns + leader.urlpatterns
