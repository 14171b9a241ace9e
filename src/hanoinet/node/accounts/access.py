"""The only ways to reach account records from views and the API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone

from hanoinet.node.accounts.models import ApiToken, User, hash_token


def is_verified(user: object) -> bool:
    """Whether the user passed the second factor in this session.

    django-otp's middleware gives the request's user ``is_verified()``; absent means no.
    """
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in officer of a request; views behind the login middleware use it."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def get_api_token_for_user(user: User, code: str) -> ApiToken:
    """A token of the user's own; 404 for a missing one and for another user's alike."""
    try:
        return ApiToken.objects.get(code=code, user=user)
    except (ApiToken.DoesNotExist, ValidationError, ValueError):
        raise Http404("no such token") from None


def user_for_api_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for any unusable token."""
    try:
        token = ApiToken.objects.select_related("user").get(digest=hash_token(raw))
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if not token.is_usable(now) or not token.user.is_active:
        return None
    # Bounded write: at most one update per token per minute, not one per call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
