from django.urls import path

app_name = "conference"

urlpatterns: list = []
