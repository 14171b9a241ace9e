"""User and unit administration for node administrators (behind the second factor)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from hanoinet.node.accounts.models import RoleGrant, Unit, User


class RoleGrantInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    inlines: ClassVar = [RoleGrantInline]
    list_display = ("username", "email", "unit", "is_active", "last_login")
    list_filter = ("unit", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("hanoinet", {"fields": ("unit", "time_zone")}),
    )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "created_at")
    search_fields = ("name",)
