"""Pure core of hanoinet: no Django, no database, no network.

What a foreign court, an auditor or another implementation can reuse. The import
contract in pyproject.toml forbids this package from importing Django or
``hanoinet.node``.
"""
