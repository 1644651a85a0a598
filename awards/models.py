"""Models of the awards app (arrive with its issue)."""
