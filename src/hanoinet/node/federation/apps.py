from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "hanoinet.node.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        # Registers the delivery and ping jobs and the built-in message handlers.
        from django.db.models.signals import post_delete, post_save

        from hanoinet.node.federation import handlers, jobs  # noqa: F401
        from hanoinet.node.federation.keyring import forget_peer_keys
        from hanoinet.node.register.models import RegisterKey

        # A change to the register's keys in this process takes effect at once; other
        # processes pick it up within keyring.KEY_TABLE_SECONDS.
        def keys_changed(**kwargs: object) -> None:
            forget_peer_keys()

        # weak=False: the receiver is a local function, kept alive only by the signal.
        post_save.connect(
            keys_changed, sender=RegisterKey, weak=False, dispatch_uid="federation-keys-saved"
        )
        post_delete.connect(
            keys_changed, sender=RegisterKey, weak=False, dispatch_uid="federation-keys-deleted"
        )
