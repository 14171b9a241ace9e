from __future__ import annotations

from django.urls import path

from hanoinet.node.federation import views

app_name = "federation"
urlpatterns = [
    path("v1/inbox", views.inbox_view, name="inbox"),
    path("", views.threads_view, name="threads"),
    path("new/", views.new_view, name="new"),
    path("status/", views.status_view, name="status"),
    path("threads/<str:thread_id>/", views.thread_view, name="thread"),
    path("messages/<str:message_id>/", views.message_view, name="message"),
]
