"""The owner's follow-up work: the call log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id
from .members import Member


class CallLogEntry(Base):
    """One follow-up call (or message) and its outcome; append-only."""

    __tablename__ = "call_log"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    staff_name: Mapped[str] = mapped_column(String(40), default="")
    list_kind: Mapped[str] = mapped_column(
        String(20)
    )  # birthdays|dormant|new|bigspend|dropping|other
    outcome: Mapped[str] = mapped_column(
        String(20)
    )  # connected|no_answer|appointment|do_not_contact|sms
    note: Mapped[str] = mapped_column(Text, default="")
    called_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(10), default="app")  # app|xlsx

    __table_args__ = (Index("ix_call_log_member_called", "member_id", "called_at"),)


# The dormant list: members last seen in a range, or never seen and joined in it (0004);
# the regulars who may be dropping away, read from the index alone (0006); the till's
# walk by last visit, which skips a member that is not active without reading its row.
Index(
    "ix_members_last_visit_joined",
    Member.last_visit_at, Member.joined_at, Member.visit_count, Member.status, Member.id,
)  # fmt: skip


# Birthdays in a range of this year's month-days; members not yet moved to this year
# (birthday_md_year NULL or another year) are found through the same index (0006).
Index("ix_members_birthday_year_md", Member.birthday_md_year, Member.birthday_md)
