"""URLs of the awards app. Each part keeps its URLs in its own module; they share the "awards" namespace."""

from . import urls_ballots, urls_documents, urls_dossiers

app_name = "awards"


urlpatterns = urls_ballots.urlpatterns + urls_dossiers.urlpatterns + urls_documents.urlpatterns
