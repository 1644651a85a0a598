"""Models of the scoring app (arrive with its issue)."""
