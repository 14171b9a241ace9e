"""``{% provider_orders row %}``: the orders and responses section of a request's page.

The request page reached the request through ``requests.access.get_request`` (audited);
this section adds the orders made while executing it.
"""

from __future__ import annotations

from typing import Any

from django import template

from hanoinet.node.providers import access, actions
from hanoinet.node.requests.models import CooperationRequest

register = template.Library()


@register.inclusion_tag("providers/partials/request_section.html")
def provider_orders(row: CooperationRequest) -> dict[str, Any]:
    return {
        "row": row,
        "orders": access.orders_of_request(row),
        "can_order": bool(actions.order_kinds(row)),
    }
