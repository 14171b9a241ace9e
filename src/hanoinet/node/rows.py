"""Building and appending many rows fast: the batch paths of the federation.

An inbox batch stores a message and an audit event for each envelope, and the outbox an
audit event for each receipt. Through the ORM, building those rows (keyword arguments)
and preparing their values (``pre_save`` and ``get_db_prep_save`` per field) cost more
than the message's cryptography. Here an instance is built through Django's positional
fast path, and the values of plain columns (text, numbers, keys, aware times) go to the
database adapter directly; any other value still goes through its field, as ``save``
does. Rows are appended with one prepared INSERT run for all (``executemany``) and get no
primary key back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction

M = TypeVar("M", bound=models.Model)
_Prepare = Callable[[Any], Any]


def new_row(model: type[M], values: dict[str, Any]) -> M:
    """An unsaved ``model`` instance from attribute names (``actor_id``, not ``actor``);
    missing fields take their defaults. A KeyError names a field the model lacks."""
    fields = model._meta.concrete_fields
    unknown = set(values) - {field.attname for field in fields}
    if unknown:
        raise KeyError(f"{model.__name__} has no field {sorted(unknown)[0]!r}")
    return model(
        *(
            values[field.attname] if field.attname in values else field.get_default()
            for field in fields
        )
    )


def _preparer(field: models.Field[Any, Any]) -> _Prepare:
    # Built once per model and database (see ``_preparers``): the connection and its
    # operations are looked up at call time (each thread has its own connection).
    def through_field(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    if isinstance(field, models.DateTimeField) and not (field.auto_now or field.auto_now_add):
        if connection.vendor == "sqlite" and settings.USE_TZ:
            # What the SQLite backend's adapt_datetimefield_value stores, without its checks
            # for expressions and awareness (done here once).
            zone = connection.timezone

            def adapt(value: datetime) -> Any:
                return str(value.astimezone(zone).replace(tzinfo=None))

        else:

            def adapt(value: datetime) -> Any:
                return connection.ops.adapt_datetimefield_value(value)

        def aware_time(value: Any) -> Any:
            if type(value) is not datetime or value.tzinfo is None:
                return through_field(value)  # None, a naive time, an expression: the field's
            return adapt(value)

        return aware_time
    if isinstance(field, models.ForeignKey):
        return through_field if field.target_field.get_internal_type() == "UUIDField" else _same
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def json_value(value: Any) -> Any:
            # dicts and lists only: None (SQL NULL or JSON null?) and expressions are the
            # field's to decide.
            if type(value) in (dict, list):
                return connection.ops.adapt_json_value(value, encoder)
            return through_field(value)

        return json_value
    plain = _plain_type(field)
    if plain is not None:

        def plain_value(value: Any) -> Any:
            return value if type(value) is plain or value is None else through_field(value)

        return plain_value
    return through_field


def _plain_type(field: models.Field[Any, Any]) -> type | None:
    """The Python type whose values a column takes as they are (else None)."""
    if isinstance(field, (models.CharField, models.TextField)):
        return str
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.IntegerField):
        return int
    return None


def _same(value: Any) -> Any:
    return value


@functools.cache
def _preparers(
    model: type[models.Model], alias: str, vendor: str
) -> tuple[tuple[str, _Prepare], ...]:
    """Each stored column's attribute and how its value is prepared (per database)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    return tuple((field.attname, _preparer(field)) for field in fields)


def _values(model: type[M], row: M) -> tuple[Any, ...]:
    """The values ``row`` stores, in column order (all but the primary key), ready for
    the current connection's adapter."""
    return tuple(
        prepare(getattr(row, attname))
        for attname, prepare in _preparers(model, connection.alias, connection.vendor)
    )


@functools.cache
def _insert_sql(model: type[models.Model], vendor: str, returning: bool) -> str:
    """The model's INSERT of every column but the primary key, in ``_values``' order;
    with ``returning``, giving back the new primary key (per vendor: quoting differs)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - the model's own table and columns
    return f"{sql} RETURNING {quote(model._meta.pk.column)}" if returning else sql


def _stored(row: models.Model) -> None:
    row._state.adding = False  # as after save(): the row is in the database
    row._state.db = connection.alias


def insert_rows(model: type[M], rows: Sequence[M]) -> None:
    """Append ``rows`` with one prepared INSERT (``executemany``), on the current
    connection and inside the caller's transaction. The rows get no primary key back."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            _insert_sql(model, connection.vendor, False), [_values(model, row) for row in rows]
        )
    for row in rows:
        _stored(row)


def insert_row(model: type[M], row: M) -> None:
    """Append one row and set its primary key, with one INSERT ... RETURNING (where the
    database cannot return it, through ``save``)."""
    if not connection.features.can_return_columns_from_insert:
        row.save(force_insert=True)
        return
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, connection.vendor, True), _values(model, row))
        row.pk = cursor.fetchone()[0]
    _stored(row)
