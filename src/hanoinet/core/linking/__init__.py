"""Linking: cluster victim reports that share a normalised identifier.

Two reports that name the same phone number, wallet, IBAN or domain probably concern the
same scam; the linker groups them into clusters (connected components of the
report-identifier graph) for analysts. Pure Python and numpy/scipy, no Django.

- :mod:`~hanoinet.core.linking.policy`: bounded correlation — the warning list of
  identifiers that never link and the fan-out cap beyond which an identifier is flagged
  for review instead (:class:`Suppression` says which and why);
- :mod:`~hanoinet.core.linking.batch`: :func:`cluster_batch` rebuilds every cluster from
  integer-coded link arrays, vectorised, with deterministic labels (each cluster is named
  by its oldest report);
- :mod:`~hanoinet.core.linking.incremental`: :func:`plan_link` decides what one new
  report does (new cluster, join, merge) from per-key statistics the node reads from its
  database; applied in arrival order it agrees with the batch rebuild.

Analysts' split decisions (``cannot_link`` / ``apart``) are honoured by both paths. Every
refusal is a :class:`LinkingError`.
"""

from hanoinet.core.linking.batch import (
    BatchClusters,
    cluster_batch,
    cluster_reports,
    link_in_order,
)
from hanoinet.core.linking.errors import LinkingError
from hanoinet.core.linking.incremental import UNSEEN, KeyStat, LinkAction, LinkPlan, plan_link
from hanoinet.core.linking.policy import (
    DEFAULT_FAN_OUT_CAP,
    DEFAULT_WARNING_ENTRIES,
    DEFAULT_WARNING_LIST,
    Suppression,
    SuppressReason,
    WarningList,
)

__all__ = [
    "DEFAULT_FAN_OUT_CAP",
    "DEFAULT_WARNING_ENTRIES",
    "DEFAULT_WARNING_LIST",
    "UNSEEN",
    "BatchClusters",
    "KeyStat",
    "LinkAction",
    "LinkPlan",
    "LinkingError",
    "SuppressReason",
    "Suppression",
    "WarningList",
    "cluster_batch",
    "cluster_reports",
    "link_in_order",
    "plan_link",
]
