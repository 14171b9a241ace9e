"""The register of States Parties (Art. 41): its document format and how to trust it.

The secretariat publishes a signed, versioned document; nodes verify it against the
secretariat key they pinned at ``init``, refuse rollbacks and expired copies, follow
key rotations announced by the old key, and keep the last good copy otherwise.
"""
