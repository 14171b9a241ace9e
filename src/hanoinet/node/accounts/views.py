"""Sign in (password, then TOTP), sign out, preferences and API tokens."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from hanoinet.node.accounts import actions, throttle
from hanoinet.node.accounts.access import get_api_token_for_user, is_verified, signed_in_user
from hanoinet.node.accounts.forms import ApiTokenForm, LoginForm, PreferencesForm, TokenForm
from hanoinet.node.accounts.models import User
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.audit.record import Outcome, record

NEXT_SESSION_KEY = "hanoinet_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:dashboard")


def _current_user(request: HttpRequest) -> User:
    return signed_in_user(request)


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:otp")
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        actor = actor_from_request(request)
        username = request.POST.get("username", "")
        keys = throttle.throttle_keys(username, actor.client_ip)
        now = timezone.now()
        until = throttle.locked_until(keys, now)
        if until is not None:
            record(
                actor,
                "auth.login",
                outcome=Outcome.DENIED,
                object_type="accounts.user",
                object_id=username[:64],
                reason="locked after repeated failures",
            )
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed attempts. Try again after %(time)s.")
                % {"time": formats.time_format(timezone.localtime(until), "H:i")},
            )
        elif form.is_valid():
            throttle.clear_username(username)
            auth_login(request, form.get_user())
            request.session[NEXT_SESSION_KEY] = _safe_next(request, request.GET.get("next"))
            return redirect("accounts:otp")
        else:
            throttle.note_failure(keys, now)
    return render(request, "accounts/login.html", {"form": form})


@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    """The second step: enter a TOTP code, or enrol an authenticator the first time."""
    user = _current_user(request)
    if is_verified(user):
        return redirect("web:dashboard")
    actor = actor_from_request(request)
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    form = TokenForm(request.POST if request.method == "POST" else None)
    if has_device:
        if form.is_valid():
            device = match_token(user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                record(actor, "auth.second_factor", user)
                return HttpResponseRedirect(request.session.pop(NEXT_SESSION_KEY, "/"))
            record(actor, "auth.second_factor", user, outcome=Outcome.FAILED, reason="wrong code")
            form.add_error("token", _("That code is not valid. Wait for the next one and retry."))
        return render(request, "accounts/otp_verify.html", {"form": form})

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = actions.do_start_totp_enrolment(actor, user)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            actions.do_confirm_totp_device(actor, device)
            otp_login(request, device)
            return HttpResponseRedirect(request.session.pop(NEXT_SESSION_KEY, "/"))
        record(actor, "auth.totp_enrolled", user, outcome=Outcome.FAILED, reason="wrong code")
        form.add_error("token", _("That code is not valid. Check the clock of your phone."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr_svg": mark_safe(qr_svg),  # noqa: S308  (SVG generated by segno from our own URL)
            "secret": _base32(device.bin_key),
        },
    )


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode("ascii").rstrip("=")


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        actions.do_set_preferences(
            actor_from_request(request), user, time_zone=form.cleaned_data["time_zone"]
        )
        messages.success(request, _("Preferences saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:preferences")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        record(actor_from_request(self.request), "user.password_change", form.user)
        messages.success(self.request, _("Your password was changed."))
        return response


@require_http_methods(["GET", "POST"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = actions.do_create_api_token(
            actor_from_request(request),
            user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
        form = ApiTokenForm()
    tokens = user.api_tokens.all()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret, "now": timezone.now()},
    )


@require_POST
def revoke_token_view(request: HttpRequest, code: str) -> HttpResponse:
    token = get_api_token_for_user(_current_user(request), code)
    actions.do_revoke_api_token(actor_from_request(request), token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")
