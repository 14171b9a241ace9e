"""On-call rosters, paging and escalation: an urgent request at 3 a.m. reaches a human."""
