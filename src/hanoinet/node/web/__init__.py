"""Base layout, navigation by role, dashboard, static files."""
