"""``hanoinet demo``: the demo network (a secretariat and the nodes of Viet Nam, Cambodia
and France on 127.0.0.1) and its scripted story; see ``run`` and ``story``.

Importing this package imports no Django: the orchestrator drives the nodes from outside.
"""

from __future__ import annotations

from hanoinet.node.demo.nodes import MARKER
from hanoinet.node.demo.run import print_demo_code, run_demo
from hanoinet.node.demo.seed import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "MARKER", "print_demo_code", "run_demo"]
