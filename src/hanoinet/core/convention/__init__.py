"""The Convention as code: request kinds, their elements and the rules that bind them.

Pure Python; the node, the CLI and the federation inbox all check requests with
``validate`` so that the law is encoded once. Every rule cites its article of the
United Nations Convention against Cybercrime (text: A/79/460).
"""

from hanoinet.core.convention.articles import ARTICLES, Article, article
from hanoinet.core.convention.elements import Element, Requirement, ValueType
from hanoinet.core.convention.kinds import KINDS, MIN_PRESERVATION_DAYS, RequestKind
from hanoinet.core.convention.offences import Offence, OffenceCode, Scope, in_scope
from hanoinet.core.convention.text import MODEL_VERSION, N_, TEXT_REFERENCE
from hanoinet.core.convention.validate import (
    NONE_AVAILABLE,
    Problem,
    ProblemCode,
    UnknownKindError,
    is_none_available,
    kind_for,
    validate,
)

__all__ = [
    "ARTICLES",
    "KINDS",
    "MIN_PRESERVATION_DAYS",
    "MODEL_VERSION",
    "NONE_AVAILABLE",
    "N_",
    "TEXT_REFERENCE",
    "Article",
    "Element",
    "Offence",
    "OffenceCode",
    "Problem",
    "ProblemCode",
    "RequestKind",
    "Requirement",
    "Scope",
    "UnknownKindError",
    "ValueType",
    "article",
    "in_scope",
    "is_none_available",
    "kind_for",
    "validate",
]
