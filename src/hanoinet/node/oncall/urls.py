from __future__ import annotations

from django.urls import path

from hanoinet.node.oncall import views

app_name = "oncall"
urlpatterns = [
    path("", views.oncall_view, name="home"),
    path("open/", views.open_pages_fragment, name="open"),
    path("<uuid:code>/", views.page_view, name="page"),
    path("<uuid:code>/acknowledge/", views.acknowledge_view, name="acknowledge"),
]
