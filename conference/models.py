"""Models of the conference app (arrive with its issue)."""
