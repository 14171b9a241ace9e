"""Bearer-token authentication for machine clients of the JSON API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from hanoinet.node.accounts.access import user_for_api_token
from hanoinet.node.accounts.models import User


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_api_token(token)
        if user is not None:
            # The actor of every audited read and write is the token's owner.
            request.user = user
        return user
