from __future__ import annotations

from django.urls import path

from hanoinet.node.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("second-factor/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<uuid:code>/revoke/", views.revoke_token_view, name="revoke_token"),
]
