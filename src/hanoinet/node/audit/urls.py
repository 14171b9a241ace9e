from __future__ import annotations

from django.urls import path

from hanoinet.node.audit import views

app_name = "audit"
urlpatterns = [path("", views.audit_list_view, name="list")]
