"""The roles an officer can hold on a node, and what each may do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    POINT_OF_CONTACT = "point_of_contact", _("24/7 point of contact")
    CENTRAL_AUTHORITY = "central_authority", _("Central authority")
    INVESTIGATOR = "investigator", _("Prosecutor / investigator")
    ANALYST = "analyst", _("Analyst")
    PROVIDER_LIAISON = "provider_liaison", _("Service provider liaison")
    VICTIM_SUPPORT = "victim_support", _("Victim support")
    AUDITOR = "auditor", _("Auditor")
    NODE_ADMIN = "node_admin", _("Node administrator")


# Roles that work on case files. Auditors read the audit trail, administrators
# manage users and keys; neither opens case files by virtue of the role alone.
CASE_ROLES = frozenset(
    {
        Role.POINT_OF_CONTACT,
        Role.CENTRAL_AUTHORITY,
        Role.INVESTIGATOR,
        Role.ANALYST,
    }
)
