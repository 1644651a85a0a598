"""URLs of the dashboards: the home page of each role; the board's dashboard (urls/board.py) and the leader's
(urls/leader.py) keep their URLs in their own modules, in the same "dashboards" namespace."""

from django.urls import path

from .. import views
from . import board, leader

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
]
urlpatterns += board.urlpatterns + leader.urlpatterns
