"""URLs of the awards app. Each part keeps its URLs in its own module; they share the "awards" namespace."""

from . import ballots, decisions, documents, dossiers, year_settings

app_name = "awards"


urlpatterns = ballots.urlpatterns + dossiers.urlpatterns + documents.urlpatterns + year_settings.urlpatterns
urlpatterns += decisions.urlpatterns
