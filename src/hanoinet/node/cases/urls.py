from __future__ import annotations

from django.urls import path

from hanoinet.node.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("new/", views.case_new_view, name="new"),
    path("<uuid:code>/", views.case_detail_view, name="detail"),
]
