"""Service providers for node administrators. Register new ones with
``hanoinet manage provider_add`` (it creates the provider's unit too)."""

from __future__ import annotations

from django.contrib import admin

from hanoinet.node.providers.models import ServiceProvider


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "country", "unit", "created_at")
    search_fields = ("name",)
