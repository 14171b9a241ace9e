"""Test settings: the node's settings with a throw-away data folder and fast hashing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_DATA = Path(tempfile.mkdtemp(prefix="hanoinet-test-"))
os.environ.setdefault("HANOINET_DATA_DIR", str(_DATA))
os.environ.setdefault("HANOINET_STATE", "VNM")

from hanoinet.node.settings import *  # noqa: E402,F403

SECRET_KEY = "test-only-" + "x" * 50
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HTTPS = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Delivery lanes are threads with their own connections: they would not see the data of
# a test's transaction. Multi-lane delivery runs in the multi-node flow tests.
HANOINET_FEDERATION_DELIVERY_THREADS = 1
