"""URLs of the ballots pages (joined in awards/urls/__init__.py, same "awards" namespace)."""

from django.urls import path

from ..views import ballots as views

Y = "blocs/<slug:slug>/years/<int:year>/awards/"
B = Y + "ballots/<int:pk>/"

urlpatterns: list = [
    path(Y, views.ballot_index, name="index"),
    path(Y + "ballots/new/", views.ballot_create, name="ballot-create"),
    path(Y + "election/override/", views.election_override, name="election-override"),
    path(B, views.ballot_detail, name="ballot-detail"),
    path(B + "turnout/", views.ballot_turnout, name="ballot-turnout"),
    path(B + "vote/", views.ballot_vote, name="ballot-vote"),
    path(B + "candidates/", views.ballot_candidates, name="ballot-candidates"),
    path(B + "method/", views.ballot_method, name="ballot-method"),
    path(B + "freeze/", views.ballot_freeze, name="ballot-freeze"),
    path(B + "open/", views.ballot_open, name="ballot-open"),
    path(B + "close/", views.ballot_close, name="ballot-close"),
    path(B + "paper/", views.ballot_paper, name="ballot-paper"),
    path(B + "tally/", views.ballot_tally, name="ballot-tally"),
    path(B + "publish/", views.ballot_publish, name="ballot-publish"),
    path(B + "runoff/", views.ballot_runoff, name="ballot-runoff"),
]
