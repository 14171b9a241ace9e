"""Electronic evidence at rest: encrypted, content-addressed, checked on every read."""
