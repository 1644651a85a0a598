"""The pages of undelivered mail (views.py); the outbox itself is core/notifications.py."""
