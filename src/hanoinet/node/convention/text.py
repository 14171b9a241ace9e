"""Showing the core's problems and labels in the officer's language."""

from __future__ import annotations

from django.utils.translation import gettext

from hanoinet.core.convention import Problem


def translate(text: str) -> str:
    # The core marks its texts with N_; they are in the node's catalogues.
    return gettext(text) if text else text


def problem_text(problem: Problem) -> str:
    params = {
        key: translate(value) if isinstance(value, str) else value
        for key, value in problem.params.items()
    }
    message = translate(problem.message)
    return message % params if params else message


def problem_json(problem: Problem) -> dict[str, object]:
    return {
        "code": str(problem.code),
        "element": problem.element,
        "article": problem.article,
        "message": problem_text(problem),
    }
