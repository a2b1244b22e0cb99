"""`memberdesk check`: the file is sound and every invariant holds.

Each check is a function returning readable problems; an empty report means the
cached totals agree with the ledgers, every change has its outbox row, and the
card and search tables agree with the members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..members.search_keys import NAME_KEY
from ..store.connect import one_line
from ..store.database import Store
from ..store.statements import raw_connection
from .base import examples, rows
from .ledgers import LEDGER_CHECKS

Check = Callable[[Session], list[str]]


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def integrity(s: Session) -> list[str]:
    result = [r[0] for r in rows(s, "PRAGMA integrity_check")]
    problems = [] if result == ["ok"] else [f"数据库完整性检查失败：{'; '.join(result[:5])}"]
    fk = rows(s, "PRAGMA foreign_key_check")
    if fk:
        problems.append(f"外键不一致：{len(fk)} 行，例如 {fk[0]}")
    return problems


def member_changes_have_outbox(s: Session) -> list[str]:
    # Each member change bumps `version` and writes exactly one member.* event.
    found = rows(
        s,
        """SELECT m.name, m.card_no, m.version, COUNT(o.seq) AS events
           FROM members m LEFT JOIN outbox o ON o.aggregate_id = m.id AND o.kind LIKE 'member.%'
           GROUP BY m.id HAVING events != m.version""",
    )
    return examples(
        found,
        lambda r: (
            f"会员 {r.name}（{r.card_no}）有 {r.version} 次变更，但同步队列里有 {r.events} 条"
        ),
    )


def cards_agree(s: Session) -> list[str]:
    found = rows(
        s,
        """SELECT m.name, m.card_no, m.status, c.status AS card_status FROM members m
           LEFT JOIN cards c ON c.card_no = m.card_no AND c.member_id = m.id
           WHERE c.id IS NULL
              OR (m.status IN ('active','frozen') AND c.status != 'active')
              OR (m.status = 'lost' AND c.status != 'lost')""",
    )
    problems = examples(
        found,
        lambda r: (
            f"会员 {r.name} 的卡号 {r.card_no} 状态不一致（会员 {r.status}，卡 {r.card_status}）"
        ),
    )
    multi = rows(
        s,
        "SELECT member_id, COUNT(*) AS n FROM cards WHERE status='active' GROUP BY member_id HAVING n > 1",
    )
    problems += examples(multi, lambda r: f"会员 {r.member_id} 同时有 {r.n} 张有效卡")
    # A card still accepted at the till must be its member's current card, of a live member.
    stray = rows(
        s,
        """SELECT m.name, m.card_no, m.status, c.card_no AS stray_no FROM cards c
           JOIN members m ON m.id = c.member_id
           WHERE c.status = 'active' AND (c.card_no != m.card_no OR m.status = 'cancelled')""",
    )
    problems += examples(
        stray,
        lambda r: f"会员 {r.name}（{r.card_no}，{r.status}）的卡 {r.stray_no} 仍然有效，应已停用",
    )
    return problems


def _name_key(name: str | None) -> str:
    # The same key search_keys() stores for the whole name. SQLite's lower() folds
    # ASCII only, so "ÉLODIE" or "ＡＢＣ" would look unindexed if compared in SQL.
    return (NAME_KEY + (name or "").strip().lower())[:80]


def search_keys_present(s: Session) -> list[str]:
    dbapi = raw_connection(s)
    dbapi.create_function("md_name_key", 1, _name_key, deterministic=True)
    found = rows(
        s,
        """SELECT m.name, m.card_no FROM members m
           WHERE NOT EXISTS (SELECT 1 FROM member_search k
                             WHERE k.key = md_name_key(m.name) AND k.member_id = m.id)""",
    )
    return examples(found, lambda r: f"会员 {r.name}（{r.card_no}）缺少查找索引")


def phones_shaped(s: Session) -> list[str]:
    found = rows(
        s,
        """SELECT name, phone, phone_last4 FROM members WHERE phone IS NOT NULL
           AND (length(phone) != 11 OR phone_last4 IS NOT substr(phone, 8, 4))""",
    )
    return examples(
        found, lambda r: f"会员 {r.name} 的手机号 {r.phone} 与尾号 {r.phone_last4} 不一致"
    )


CHECKS: list[Check] = [
    integrity,
    member_changes_have_outbox,
    cards_agree,
    search_keys_present,
    phones_shaped,
    *LEDGER_CHECKS,  # money: balances = ledgers, every change has its outbox row
]


def _cause(exc: Exception) -> str:
    return one_line(str(exc.orig if isinstance(exc, DBAPIError) else exc))


def run_checks(store: Store) -> CheckReport:
    """Run every check; a damaged file is reported as problems, never raised."""
    report = CheckReport()
    try:
        with store.read() as s:
            for check in CHECKS:
                report.checks_run.append(check.__name__)
                try:
                    report.problems.extend(check(s))
                # Say which check could not run and go on with the others. (SQLite's
                # error text from a damaged page may not even decode.)
                except (DBAPIError, UnicodeDecodeError) as exc:
                    report.problems.append(
                        f"数据库完整性检查失败：{_cause(exc)}"
                        if check is integrity
                        else f"检查 {check.__name__} 无法完成：{_cause(exc)}"
                    )
    except (DBAPIError, UnicodeDecodeError) as exc:  # even ending the read can fail then
        report.problems.append(f"数据库读取失败：{_cause(exc)}")
    return report
