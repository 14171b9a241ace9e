from __future__ import annotations

from django.urls import path

from hanoinet.node.requests import views

app_name = "requests"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/<str:kind>/", views.new_view, name="new"),
    path("deadlines/", views.deadlines_view, name="deadlines"),
    path("<uuid:code>/", views.detail_view, name="detail"),
    path("<uuid:code>/letter.pdf", views.letter_view, name="letter"),
]
