"""Append-only audit trail: who did what to which record, from where, and why."""
