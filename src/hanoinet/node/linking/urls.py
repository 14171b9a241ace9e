from __future__ import annotations

from django.urls import path

from hanoinet.node.linking import matching_views, views

app_name = "linking"
urlpatterns = [
    path("", views.cluster_list_view, name="clusters"),
    path("flagged/", views.flagged_view, name="flagged"),
    path("warning-list/", views.warning_list_view, name="warning_list"),
    path("matching/", matching_views.matching_view, name="matching"),
    path("matching/bulk/", matching_views.bulk_view, name="bulk"),
    path("matching/policy/", matching_views.policy_view, name="policy"),
    path("matching/hits/<uuid:code>/draft/", matching_views.hit_draft_view, name="hit_draft"),
    path("<uuid:code>/", views.cluster_view, name="cluster"),
    path("<uuid:code>/merge/", views.merge_view, name="merge"),
    path("<uuid:code>/split/", views.split_view, name="split"),
    path("<uuid:code>/promote/", views.promote_view, name="promote"),
    path("<uuid:code>/draft/", views.draft_view, name="draft"),
    path("<uuid:code>/share/", views.share_view, name="share"),
]
