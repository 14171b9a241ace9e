from __future__ import annotations

from django.urls import path, re_path

from hanoinet.node.register import views

app_name = "register"
urlpatterns = [
    path("", views.register_list_view, name="list"),
    re_path(r"^export\.(?P<fmt>csv|json)$", views.register_export_view, name="export"),
    path("history/", views.register_history_view, name="history"),
    path("publish/", views.register_publish_view, name="publish"),
    path("<str:code>/", views.register_state_view, name="state"),
    path("<str:code>/edit/", views.register_edit_view, name="edit"),
]
