from __future__ import annotations

from django.urls import path

from hanoinet.node.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("healthz", views.health_view, name="health"),
]
