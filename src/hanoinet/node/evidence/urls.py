from __future__ import annotations

from django.urls import path

from hanoinet.node.evidence import transfer_views, views

app_name = "evidence"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("<uuid:code>/", views.detail_view, name="detail"),
    path("<uuid:code>/content", views.content_view, name="content"),
    path("<uuid:code>/bundle", views.bundle_view, name="bundle"),
    path("requests/<uuid:code>/", transfer_views.request_evidence_view, name="request"),
]
