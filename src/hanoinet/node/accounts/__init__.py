"""Users, units, roles, second factor and API tokens."""
