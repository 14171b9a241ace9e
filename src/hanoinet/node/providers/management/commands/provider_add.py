"""``hanoinet manage provider_add NAME --country VNM [--contact TEXT]``: register a
service provider and the unit its liaison officers join."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hanoinet.node.audit.actor import system_actor
from hanoinet.node.providers.actions import OrderError, do_register_provider


class Command(BaseCommand):
    help = "Register a service provider (and the unit its liaison officers join)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the provider's name, e.g. 'Viettel Telecom'")
        parser.add_argument("--country", required=True, help="ISO 3166 alpha-3 code, e.g. VNM")
        parser.add_argument("--contact", default="", help="its legal desk: address, e-mail")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            provider = do_register_provider(
                system_actor("cli:provider_add"),
                name=options["name"],
                country=options["country"],
                contact=options["contact"],
            )
        except OrderError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"registered {provider.name} ({provider.country}), code {provider.code}; "
            f"its liaison officers belong to the unit {provider.unit.name!r} "
            "with the role provider_liaison"
        )
