"""The declarative base every table shares: constraint naming convention and ids."""

from __future__ import annotations

import os
import threading
import time
import uuid

from sqlalchemy import (
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


_ORDERED = threading.Lock()
_last_ordered = 0


def ordered_id() -> str:
    """A UUID of version 7 (RFC 9562): the time in milliseconds, then 74 random bits; each
    one greater than the one before in this process (one that would come out smaller, in
    the same millisecond, is the one before plus one). Rows written many at a time with these ids append to their primary key's
    index instead of landing on random pages of it. Unique across tills and processes as
    a random id is (74 random bits within each millisecond); a clock set back does not
    make an id smaller than the one before."""
    global _last_ordered
    with _ORDERED:
        value = (time.time_ns() // 1_000_000) << 74 | int.from_bytes(os.urandom(10)) >> 6
        value = _last_ordered = max(value, _last_ordered + 1)
    ms, a, b = value >> 74, (value >> 62) & 0xFFF, value & (1 << 62) - 1
    return str(uuid.UUID(int=ms << 80 | 0x7 << 76 | a << 64 | 0b10 << 62 | b))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
