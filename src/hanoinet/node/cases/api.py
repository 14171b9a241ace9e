from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.cases import access, actions

router = Router()


class CaseOut(Schema):
    code: uuid.UUID
    reference: str
    title: str
    summary: str
    status: str
    opened_at: datetime


class CaseIn(Schema):
    reference: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=20000)


class ErrorOut(Schema):
    error: str


@router.get("", response=list[CaseOut])
def list_cases(request: HttpRequest, q: str = "") -> list[CaseOut]:
    cases = access.list_cases_for_user(actor_from_request(request), query=q[:200])
    return [CaseOut.from_orm(case) for case in cases[:200]]


@router.post("", response={201: CaseOut, 409: ErrorOut})
def open_case(request: HttpRequest, payload: CaseIn) -> tuple[int, CaseOut | ErrorOut]:
    try:
        case = actions.do_open_case(actor_from_request(request), **payload.dict())
    except actions.DuplicateReferenceError:
        return 409, ErrorOut(error="your unit already has a case with this reference")
    return 201, CaseOut.from_orm(case)


@router.get("/{code}", response=CaseOut)
def get_case(request: HttpRequest, code: uuid.UUID) -> CaseOut:
    return CaseOut.from_orm(access.get_case_for_user(actor_from_request(request), code))
