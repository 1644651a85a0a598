"""URLs of the dashboards: the home page of each role; the board's dashboard (urls_board.py) and the leader's
(urls_leader.py) keep their URLs in their own modules, in the same "dashboards" namespace."""

from django.urls import path

from . import urls_board, urls_leader, views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
]
urlpatterns += urls_board.urlpatterns + urls_leader.urlpatterns
