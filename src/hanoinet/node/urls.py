from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from hanoinet.node.api import api
from hanoinet.node.evidence import transfer as evidence_transfer
from hanoinet.node.register import views as register_views

urlpatterns = [
    path("", include("hanoinet.node.web.urls")),
    path("accounts/", include("hanoinet.node.accounts.urls")),
    path("cases/", include("hanoinet.node.cases.urls")),
    path("audit/", include("hanoinet.node.audit.urls")),
    path("register/", include("hanoinet.node.register.urls")),
    path("oncall/", include("hanoinet.node.oncall.urls")),
    path(
        "federation/v1/transfers/<uuid:code>/chunks/<int:index>",
        evidence_transfer.chunk_view,
        name="transfer_chunk",
    ),
    path("federation/", include("hanoinet.node.federation.urls")),
    path("requests/", include("hanoinet.node.requests.urls")),
    path("evidence/", include("hanoinet.node.evidence.urls")),
    path("providers/", include("hanoinet.node.providers.urls")),
    path("linking/", include("hanoinet.node.linking.urls")),
    path("", include("hanoinet.node.victims.urls")),
    path(
        ".well-known/hanoinet/register",
        register_views.well_known_register_view,
        name="well_known_register",
    ),
    path(".well-known/hanoinet/node", register_views.well_known_node_view, name="well_known_node"),
    # The language switcher must work on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
