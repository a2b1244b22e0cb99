"""`memberdesk check`: the file is sound and every invariant holds.

Each check is a function returning readable problems; an empty report means the
cached totals agree with the ledgers, every change has its outbox row, and the
card and search tables agree with the members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from .db import Store

MAX_EXAMPLES = 10
Check = Callable[[Session], list[str]]


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(s: Session, sql: str) -> list:
    return list(s.execute(text(sql)))


def _examples(rows: list, fmt: Callable[[object], str]) -> list[str]:
    out = [fmt(r) for r in rows[:MAX_EXAMPLES]]
    if len(rows) > MAX_EXAMPLES:
        out.append(f"…… 另有 {len(rows) - MAX_EXAMPLES} 条同类问题")
    return out


def integrity(s: Session) -> list[str]:
    result = [r[0] for r in _rows(s, "PRAGMA integrity_check")]
    problems = [] if result == ["ok"] else [f"数据库完整性检查失败：{'; '.join(result[:5])}"]
    fk = _rows(s, "PRAGMA foreign_key_check")
    if fk:
        problems.append(f"外键不一致：{len(fk)} 行，例如 {fk[0]}")
    return problems


def member_changes_have_outbox(s: Session) -> list[str]:
    # Each member change bumps `version` and writes exactly one member.* event.
    rows = _rows(
        s,
        """SELECT m.name, m.card_no, m.version, COUNT(o.seq) AS events
           FROM members m LEFT JOIN outbox o ON o.aggregate_id = m.id AND o.kind LIKE 'member.%'
           GROUP BY m.id HAVING events != m.version""",
    )
    return _examples(
        rows,
        lambda r: (
            f"会员 {r.name}（{r.card_no}）有 {r.version} 次变更，但同步队列里有 {r.events} 条"
        ),
    )


def cards_agree(s: Session) -> list[str]:
    rows = _rows(
        s,
        """SELECT m.name, m.card_no, m.status, c.status AS card_status FROM members m
           LEFT JOIN cards c ON c.card_no = m.card_no AND c.member_id = m.id
           WHERE c.id IS NULL
              OR (m.status IN ('active','frozen') AND c.status != 'active')
              OR (m.status = 'lost' AND c.status != 'lost')""",
    )
    problems = _examples(
        rows,
        lambda r: (
            f"会员 {r.name} 的卡号 {r.card_no} 状态不一致（会员 {r.status}，卡 {r.card_status}）"
        ),
    )
    multi = _rows(
        s,
        "SELECT member_id, COUNT(*) AS n FROM cards WHERE status='active' GROUP BY member_id HAVING n > 1",
    )
    problems += _examples(multi, lambda r: f"会员 {r.member_id} 同时有 {r.n} 张有效卡")
    return problems


def search_keys_present(s: Session) -> list[str]:
    rows = _rows(
        s,
        """SELECT m.name, m.card_no FROM members m
           WHERE NOT EXISTS (SELECT 1 FROM member_search k
                             WHERE k.key = 'n:' || lower(m.name) AND k.member_id = m.id)""",
    )
    return _examples(rows, lambda r: f"会员 {r.name}（{r.card_no}）缺少查找索引")


def phones_shaped(s: Session) -> list[str]:
    rows = _rows(
        s,
        """SELECT name, phone, phone_last4 FROM members WHERE phone IS NOT NULL
           AND (length(phone) != 11 OR phone_last4 IS NOT substr(phone, 8, 4))""",
    )
    return _examples(
        rows, lambda r: f"会员 {r.name} 的手机号 {r.phone} 与尾号 {r.phone_last4} 不一致"
    )


CHECKS: list[Check] = [
    integrity,
    member_changes_have_outbox,
    cards_agree,
    search_keys_present,
    phones_shaped,
]


def run_checks(store: Store) -> CheckReport:
    report = CheckReport()
    with store.read() as s:
        for check in CHECKS:
            report.checks_run.append(check.__name__)
            report.problems.extend(check(s))
    return report
