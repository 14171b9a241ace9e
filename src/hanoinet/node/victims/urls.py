from __future__ import annotations

from django.urls import path

from hanoinet.node.victims import support_views, views

app_name = "victims"
urlpatterns = [
    # The public portal: no account.
    path("report/", views.report_view, name="report"),
    path("report/privacy/", views.privacy_view, name="privacy"),
    path("report/follow/", views.status_login_view, name="status_login"),
    path("report/status/", views.status_view, name="status"),
    path("report/leave/", views.status_logout_view, name="status_logout"),
    # Officers.
    path("victims/", support_views.queue_view, name="queue"),
    path("victims/<uuid:code>/", support_views.detail_view, name="detail"),
    path("victims/<uuid:code>/note/", support_views.note_view, name="note"),
    path("victims/<uuid:code>/triage/", support_views.triage_view, name="triage"),
    path("victims/<uuid:code>/share/", support_views.share_view, name="share"),
]
