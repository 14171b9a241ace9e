from __future__ import annotations

from django.urls import path

from hanoinet.node.providers import views

app_name = "providers"
urlpatterns = [
    # Officers: every order of the requests they may see, and ordering from a request.
    path("", views.overview_view, name="overview"),
    path("requests/<uuid:code>/", views.request_orders_view, name="request"),
    # The provider's liaison officers: their own provider's orders only.
    path("orders/", views.order_list_view, name="orders"),
    path("orders/<uuid:code>/", views.order_view, name="order"),
]
