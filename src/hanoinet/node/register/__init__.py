"""The register of States Parties: published by the secretariat, imported by nodes."""
