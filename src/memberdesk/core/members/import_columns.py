"""Member sheets: the file, its column names, its cells, a row; and the export's file.

No database here. Headers are matched forgivingly (full-width characters, spaces,
case, units in brackets), in Chinese or English. Cell parsers turn what people
actually type into values or raise a ``DomainError`` naming the value; `parse_row`
collects every problem of a row, so the report can say what is wrong where.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..clock import shop_day_start_utc, to_utc_naive
from ..errors import DomainError
from ..i18n import DEFAULT_LANG, LANGS, N_, Message, gettext, traditional
from ..money import MAX_LINE_FEN, MAX_POINTS, fen_to_decimal, format_fen, parse_yuan, plain_yuan
from ..text import FORMULA_START, check_text, safe_cell, xlsx_text
from .birthdays import lunar_birthday, solar_birthday
from .card_numbers import normalize_card
from .member import GENDER_NAMES, MAX_NAME, NAME_FIELD, NOTES_FIELD, STATUS_NAMES, LunarDate
from .phone import normalize_mobile
from .sheet_files import HEADER_SEARCH_ROWS, open_rows

# field -> the names a shop's sheet gives it (normalised with `header_key` below)
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "会员姓名", "名字", "客户姓名", "顾客姓名", "name", "membername", "fullname"),
    "phone": ("手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "联系方式", "phone",
              "mobile", "tel", "cellphone", "phonenumber", "mobilephone"),
    "card": ("卡号", "会员卡号", "会员卡", "会员号", "会员编号", "card", "cardno", "cardnumber",
             "memberno", "membercard"),
    "gender": ("性别", "gender", "sex"),
    "birthday": ("生日", "出生日期", "出生年月日", "公历生日", "阳历生日", "birthday", "birthdate",
                 "dateofbirth", "dob"),
    "lunar": ("农历", "农历生日", "阴历生日", "是否农历", "生日类型", "lunar", "lunarbirthday",
              "islunar"),
    "tier": ("等级", "会员等级", "级别", "会员级别", "tier", "level", "grade"),
    "salesperson": ("导购", "所属导购", "导购员", "业务员", "销售", "salesperson", "sales",
                    "salesrep", "staff"),
    "referrer": ("推荐人", "介绍人", "referrer", "referredby", "referral"),
    "notes": ("备注", "说明", "notes", "note", "remark", "remarks", "memo"),
    "joined": ("入会日期", "入会时间", "注册日期", "注册时间", "开卡日期", "办卡日期", "joined",
               "joindate", "joinedat", "joinedon", "registered"),
    "consent": ("同意营销", "营销同意", "接收营销", "同意接收短信", "短信营销", "consent",
                "marketingconsent", "marketing"),
    "guardian": ("监护人同意", "监护人已同意", "家长同意", "监护人同意书", "guardianconsent",
                 "guardian", "parentalconsent"),
    "updated_at": ("更新时间", "修改时间", "最后更新", "最后修改", "updatedat", "updated",
                   "lastmodified", "modified"),
    "status": ("状态", "会员状态", "status"),
    # Opening balances: the old system's figures become opening ledger entries.
    "points": ("积分", "当前积分", "可用积分", "剩余积分", "会员积分", "points", "pointsbalance"),
    "wallet_principal": ("储值本金", "储值", "余额", "储值余额", "卡内余额", "充值余额", "本金",
                         "balance", "wallet", "storedvalue", "walletprincipal", "principal"),
    "wallet_bonus": ("储值赠送", "赠送余额", "赠送金额", "赠金", "walletbonus", "bonus",
                     "bonusbalance"),
}  # fmt: skip


# Figures our own export writes that an import does not take back.
EXPORT_ONLY_ALIASES = (
    "累计消费", "消费次数", "最近消费", "lifetimespend", "visits", "visitcount", "lastvisit",
    "序号", "no", "#",
)  # fmt: skip


# How each column is headed: the export writes these in the reader's language, and the
# import reads them back in any of the three (and a problem names a missing column so).
FIELD_NAMES = {
    "card": N_("Card no."), "name": N_("Name"), "phone": N_("Mobile"), "gender": N_("Gender"),
    "birthday": N_("Birthday"), "lunar": N_("Lunar birthday"), "tier": N_("Tier"),
    "status": N_("Status"), "salesperson": N_("Salesperson"), "referrer": N_("Referrer"),
    "joined": N_("Joined on"), "consent": N_("Marketing consent"),
    "guardian": N_("Guardian consent"), "points": N_("Points"),
    "wallet_principal": N_("Wallet principal"), "wallet_bonus": N_("Wallet bonus"),
    "lifetime_spend": N_("Total spend"), "visits": N_("Visits"), "last_visit": N_("Last visit"),
    "notes": N_("Notes"), "updated_at": N_("Updated at"), "row": N_("Row"),
}  # fmt: skip


YES_WORD, NO_WORD = N_("Yes"), N_("No")


YES = {"是", "y", "yes", "1", "true", "t", "对", "√", "✓", "同意", "农历", "阴历", "lunar",
       *(gettext(YES_WORD, lang).lower() for lang in LANGS)}  # fmt: skip


NO = {"否", "n", "no", "0", "false", "f", "不", "×", "不同意", "公历", "阳历", "solar", "-",
      *(gettext(NO_WORD, lang).lower() for lang in LANGS)}  # fmt: skip


GENDERS = {"男": "M", "m": "M", "male": "M", "女": "F", "f": "F", "female": "F",
           "先生": "M", "男士": "M", "女士": "F", "小姐": "F",  # how old systems address them
           "未知": "U", "u": "U", "保密": "U", "unknown": "U",
           **{gettext(name, lang).lower(): code for code, name in GENDER_NAMES.items()
              for lang in LANGS}}  # fmt: skip


STATUSES = {"正常": "active", "active": "active", "挂失": "lost", "lost": "lost",
            "冻结": "frozen", "frozen": "frozen", "注销": "cancelled", "cancelled": "cancelled",
            "已注销": "cancelled",
            **{gettext(name, lang).lower(): code for code, name in STATUS_NAMES.items()
               for lang in LANGS}}  # fmt: skip


# A leap lunar month is written 闰04 (闰 / 閏 / leap before the month).
LEAP_WORD = N_("leap")


LEAP_MARKS = tuple(dict.fromkeys(["闰", "閏", *(gettext(LEAP_WORD, lang) for lang in LANGS)]))


CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


CN_MONTHS = {"正": 1, "冬": 11, "腊": 12}


LUNAR_PREFIX = re.compile(r"^(农历|阴历|農曆|陰曆|lunar)\s*", re.IGNORECASE)


DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\S{1,3}?)\s*[-/.月]\s*(\S{1,3}?)\s*日?$")


COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


TIME_PART = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$")


MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")


# '13812345678: the apostrophe other programs put before a number to keep it text.
QUOTED_NUMBER = re.compile(r"^'[0-9][0-9 ()+\-]*$")


# A date cell Excel shows as a plain number (the column formatted 常规): its day count
# from 1899-12-30. From 10000 (1927-05-18): a smaller number is a year (1990) or a month
# and day (520) someone typed, never read as a day of the 1900s; up to 99999 (the year
# 2173): 19900520 is a compact date, not a count.
MIN_SERIAL, MAX_SERIAL = 10_000, 99_999


# Such a day count as Excel writes it into a CSV: 32937, or 45356.5 with the time of day.
SERIAL_TEXT = re.compile(r"^\d{5}(\.\d+)?$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def header_key(text: Any) -> str:
    """'  手机号（必填）' / 'Card_No.' / 'ＰＨＯＮＥ' → '手机号' / 'cardno' / 'phone'."""
    s = nfkc(str(text or "")).lower()
    s = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", s)
    return re.sub(r"[\s_\-.:*/]+", "", s)


def _names(fields: tuple[str, ...]) -> set[str]:
    """Every language's header of these fields, as header_key reads it."""
    return {header_key(gettext(FIELD_NAMES[f], lang)) for f in fields for lang in LANGS}


_FIELD_OF = {
    **{key: f for f in ALIASES for key in _names((f,))},
    **{header_key(a): f for f, names in ALIASES.items() for a in names},
}


_EXPORT_ONLY = {header_key(a) for a in EXPORT_ONLY_ALIASES} | _names(
    ("lifetime_spend", "visits", "last_visit")
)


@dataclass
class Columns:
    """Where each field sits in the header row, and the columns we will not read."""

    index: dict[str, int] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)  # field -> the header as written
    ignored: list[DomainError] = field(default_factory=list)

    def label(self, name: str) -> str | Message:
        """The column as the file heads it, or (no such column) the field's name."""
        return self.header.get(name) or field_name(name)

    def value(self, values: tuple, name: str) -> Any:
        i = self.index.get(name)
        return values[i] if i is not None and i < len(values) else None


_HAS_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _from_traditional() -> dict[str, str]:
    """The 繁體 spelling of every word these tables know → its 简体 one, so a Taiwanese
    sheet (會員姓名, 手機號碼, 是否農曆, 掛失 …) reads as well. Built on the first use:
    OpenCC's dictionaries are loaded for an import, never at start."""
    known = [*_FIELD_OF, *_EXPORT_ONLY, *YES, *NO, *GENDERS, *STATUSES, *CN_MONTHS]
    out: dict[str, str] = {}
    for word in known:
        if _HAS_CJK.search(word) and (spelled := traditional(word)) != word:
            out.setdefault(spelled, word)
    return out


def simplified(word: str) -> str:
    """A known word (a header's key, a cell's value) in the spelling the tables use."""
    return word if not _HAS_CJK.search(word) else _from_traditional().get(word, word)


def map_header(values: tuple) -> Columns:
    cols = Columns()
    for i, raw in enumerate(values):
        title = str(raw).strip() if raw is not None else ""
        key = simplified(header_key(title))
        if not key:
            continue
        name = _FIELD_OF.get(key)
        if name is not None and name not in cols.index:
            cols.index[name], cols.header[name] = i, title
        elif name is not None:
            cols.ignored.append(
                DomainError("import.column_repeated", column=title, first=cols.header[name])
            )
        elif key in _EXPORT_ONLY:
            cols.ignored.append(DomainError("import.column_ignored", column=title))
        else:
            cols.ignored.append(DomainError("import.column_unknown", column=title))
    return cols


@dataclass
class Sheet:
    columns: Columns
    rows: Iterator[tuple[int, tuple]]  # (the row number a person sees, cell values)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # CSV rows over several lines
    delimiter: str = ","

    def merged(self, number: int, values: tuple) -> tuple[int, int] | None:
        """(first, last) line of the file when this row looks like several rows a quote
        left open ran together: a one-line cell holding a line break, or notes holding
        a line that reads like a whole row. None for an ordinary row."""
        span = self.spans.get(number)
        if span is None:
            return None
        notes = self.columns.index.get("notes")
        whole_row = max(1, len(self.columns.index) - 1)
        for i, value in enumerate(values):
            text = str(value or "")
            if "\n" not in text and "\r" not in text:
                continue
            if i != notes:
                return span
            if any(line.count(self.delimiter) >= whole_row for line in text.splitlines()[1:]):
                return span
        return None


def is_header(values: tuple) -> bool:
    return "name" in map_header(values).index


@contextmanager
def open_sheet(path: Path) -> Iterator[Sheet]:
    """Stream the rows under the header (found among the first few rows by its name column)."""
    with open_rows(path, is_header) as numbered:
        for number, values in numbered:
            cols = map_header(values)
            if "name" in cols.index:
                numbered.header_row = number
                yield Sheet(cols, _non_blank(numbered), numbered.spans, numbered.delimiter)
                return
            if number >= HEADER_SEARCH_ROWS:
                break
        raise DomainError("import.no_name_column", path=str(path))


def _non_blank(rows: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
    for number, values in rows:
        if any(v is not None and str(v).strip() for v in values):
            yield number, values


def field_name(name: str) -> Message | str:
    return Message(FIELD_NAMES[name]) if name in FIELD_NAMES else name


# The export's columns: every one of them is a header `map_header` reads back.
EXPORT_FIELDS = (
    "card", "name", "phone", "gender", "birthday", "lunar", "tier", "status", "salesperson",
    "referrer", "joined", "consent", "guardian", "points", "wallet_principal", "wallet_bonus",
    "lifetime_spend", "visits", "last_visit", "notes", "updated_at",
)  # fmt: skip


MONEY_FIELDS = {"wallet_principal", "wallet_bonus", "lifetime_spend"}


def export_headers(lang: str = DEFAULT_LANG) -> tuple[str, ...]:
    return tuple(gettext(FIELD_NAMES[f], lang) for f in EXPORT_FIELDS)


EXPORT_HEADERS = export_headers(DEFAULT_LANG)


def write_csv(path: Path, rows: Iterator[list[Any]], lang: str = DEFAULT_LANG) -> int:
    """UTF-8 with a BOM, so Excel opens the Chinese right; money as yuan with two decimals;
    no cell starts a formula (core.text)."""
    money = [i for i, f in enumerate(EXPORT_FIELDS) if f in MONEY_FIELDS]
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(export_headers(lang))
        for row in rows:
            for i in money:
                row[i] = plain_yuan(row[i])
            out.writerow("" if v is None else safe_cell(_csv_value(v)) for v in row)
            count += 1
    return count


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_xlsx(path: Path, rows: Iterator[list[Any]], lang: str = DEFAULT_LANG) -> int:
    """Streamed (write-only); numbers and cards stay text, money is a number shown as 0.00;
    text that starts like a formula is a text cell, shown as typed (core.text)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(gettext(N_("Members"), lang))
    money = [i for i, f in enumerate(EXPORT_FIELDS) if f in MONEY_FIELDS]
    ws.append(export_headers(lang))
    count = 0
    try:
        for row in rows:
            for i in money:
                cell = WriteOnlyCell(ws, fen_to_decimal(row[i]))
                cell.number_format = "0.00"
                row[i] = cell
            ws.append([xlsx_text(ws, v) for v in row])
            count += 1
    except BaseException:  # stopped or failed partway: nothing is saved
        abandon_sheet(ws)
        raise
    wb.save(path)
    return count


def abandon_sheet(ws: Any) -> None:
    """End a streamed (write-only) sheet that will not be saved and remove its temporary
    file; left open, its generator fails noisily when collected."""
    ws.close()
    writer = getattr(ws, "_writer", None)
    if writer is not None:
        with suppress(OSError, ValueError):
            writer.cleanup()


def cell_text(value: Any) -> str:
    """A cell as the text a person sees; Excel numbers like 13812345678.0 lose the '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]  # our export's guard against spreadsheet formulas
    if text.startswith("'") and QUOTED_NUMBER.match(nfkc(text)):
        return text[1:]
    return text


def plain(value: Any) -> str:
    return nfkc(cell_text(value)).strip()


def parse_yes_no(value: Any, column: str | Message) -> bool | None:
    text = simplified(plain(value).lower())
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise DomainError("import.bad_yes_no", column=column, value=cell_text(value))


def parse_gender(value: Any) -> str | None:
    text = simplified(plain(value).lower())
    if not text:
        return None
    if text not in GENDERS:
        raise DomainError("gender.invalid")
    return GENDERS[text]


def parse_status(value: Any) -> str | None:
    text = simplified(plain(value).lower())
    if not text:
        return None
    if text not in STATUSES:
        raise DomainError("import.bad_status", value=cell_text(value))
    return STATUSES[text]


# A number as Excel writes it in scientific notation into a CSV (1.38123E+10).
SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def is_masked_phone(text: str) -> bool:
    return bool(MASKED_PHONE.match(text))


def _number(token: str, months: bool) -> int | None:
    """'05' / '四' / '十一' / '腊' (months) and '初五' / '廿六' / '三十' (days) → int."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    if months and simplified(token) in CN_MONTHS:
        return CN_MONTHS[simplified(token)]
    token = token.removeprefix("初")
    for word, tens in (("三十", 30), ("二十", 20), ("廿", 20), ("十", 10)):
        if token.startswith(word):
            rest = token[len(word) :]
            if not rest:
                return tens
            return tens + CN_NUMBERS[rest] if rest in CN_NUMBERS else None
    return CN_NUMBERS.get(token)


EXCEL_EPOCH = date(1899, 12, 30)


def _serial(value: Any) -> bool:
    """Whether a cell is a number Excel counts days by (see MAX_SERIAL)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and MIN_SERIAL <= value <= MAX_SERIAL
    )


def date_parts(value: Any) -> tuple[int, int, int] | None:
    """(year, month, day) as written, not yet checked against a calendar; None when blank.

    Takes 1990-05-20, 1990/5/20, 1990.5.20, 1990年5月20日, 19900520, an Excel date cell,
    and lunar spellings such as 1990年四月廿六. Raises ValueError on anything else.
    """
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.year, value.month, value.day
    if _serial(value):
        day = EXCEL_EPOCH + timedelta(days=int(value))
        return day.year, day.month, day.day
    text = plain(value)
    if not text:
        return None
    if SERIAL_TEXT.match(text) and _serial(float(text)):  # an Excel day count saved in a CSV
        return date_parts(float(text))
    text = text.split(" ")[0].split("T")[0] if re.match(r"^\d{4}\D", text) else text
    m = COMPACT_DATE.match(text) or DATE_PARTS.match(text)
    if not m:
        raise ValueError(text)
    month, day = _number(m.group(2), True), _number(m.group(3), False)
    if month is None or day is None:
        raise ValueError(text)
    return int(m.group(1)), month, day


def parse_date(value: Any, column: str | Message) -> date | None:
    try:
        parts = date_parts(value)
        return None if parts is None else date(*parts)
    except ValueError as exc:
        raise DomainError("import.bad_date", column=column, value=cell_text(value)) from exc


def parse_datetime(value: Any, column: str | Message) -> datetime | None:
    """A local date and time (seconds kept, fractions dropped); a bare date means midnight."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = re.sub(r"^(\d{4}\S*?)T(?=\d)", r"\1 ", plain(value))  # ISO 2026-03-01T10:00
    if not text:
        return None
    day, _, rest = text.partition(" ")
    try:
        parts, t = date_parts(day), TIME_PART.match(rest.strip())
        if parts is None or (rest.strip() and not t):
            raise ValueError(rest)
        clock = (int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)) if t else (0, 0, 0)
        return datetime(*parts, *clock)
    except ValueError as exc:
        raise DomainError("import.bad_date", column=column, value=cell_text(value)) from exc


@dataclass(frozen=True)
class BirthdayCell:
    solar: date | None = None
    lunar: tuple[int, int, int, bool] | None = None  # (year, month, day, leap), unchecked


def parse_birthday(value: Any, lunar_flag: bool | None) -> BirthdayCell:
    """A birthday cell; '农历' in front, '闰' before the month, or the flag make it lunar."""
    text = plain(value) if not isinstance(value, datetime | date) and not _serial(value) else ""
    lunar = bool(lunar_flag)
    leap = False
    if text:
        stripped = LUNAR_PREFIX.sub("", text)
        for mark in LEAP_MARKS:
            if mark.lower() in stripped.lower():
                leap = True
                stripped = re.sub(re.escape(mark), "", stripped, flags=re.IGNORECASE).strip()
        lunar = lunar or stripped != text or leap
        value = stripped
    try:
        parts = date_parts(value)
    except ValueError as exc:
        raise DomainError("import.bad_birthday", value=text) from exc
    if parts is None:
        return BirthdayCell()
    if lunar:
        return BirthdayCell(lunar=(*parts, leap))
    try:
        return BirthdayCell(solar=date(*parts))
    except ValueError as exc:
        raise DomainError("birthday.impossible", birthday=cell_text(value)) from exc


def lunar_text(year: int, month: int, day: int, leap: bool, lang: str = DEFAULT_LANG) -> str:
    """How the export writes a lunar birthday: 1990-04-26, or 1990-闰04-26 in a leap month."""
    mark = gettext(LEAP_WORD, lang) if leap else ""
    return f"{year}-{mark}{month:02d}-{day:02d}"


@dataclass(frozen=True)
class RowContext:
    card_prefix: str
    tz: ZoneInfo
    now: datetime  # naive UTC
    today: date  # in the shop's time zone


@dataclass(slots=True, eq=False)
class SheetRow:
    """One data row, parsed; `problems` holds (field, error) for every bad cell."""

    row: int  # as a person sees it in the sheet: the header is row 1
    problems: list[tuple[str, DomainError]] = field(default_factory=list)
    name: str = ""
    phone: str | None = None
    masked: str | None = None  # a 138****5678 from a masked export
    card: str | None = None
    gender: str | None = None
    birthday: date | None = None
    lunar: LunarDate | None = None
    tier: str | None = None
    salesperson: str | None = None
    referrer: str | None = None  # as written
    notes: str | None = None
    joined: date | None = None
    consent: bool | None = None
    guardian: bool | None = None  # a parent's or guardian's consent (under 14)
    born: date | None = None  # the solar date of birth, lunar birthdays too
    updated: datetime | None = None  # naive UTC
    status: str | None = None
    points: int | None = None  # opening balances, as the old system had them
    principal: int | None = None  # fen
    bonus: int | None = None  # fen
    # Filled in against the store and the rest of the file:
    salesperson_id: str | None = None
    member_id: str | None = None  # the member already here this row is about
    referrer_key: str | None = None  # a card or phone `create_member` can resolve
    depends_on: SheetRow | None = None  # a new member in the same file who referred this one
    skip: DomainError | None = None  # why a row for a member already here is kept as is

    @property
    def bad(self) -> bool:
        return bool(self.problems)

    @property
    def opening(self) -> bool:
        """Whether the row carries an opening balance (points or stored value)."""
        return bool(self.points or self.principal or self.bonus)


def parse_row(
    cols: Columns, number: int, values: tuple, ctx: RowContext,
    merged: tuple[int, int] | None = None,
) -> SheetRow:  # fmt: skip
    """One row's cells, each checked on its own; `merged` (Sheet.merged) marks a row that
    an unclosed quote ran together with the rows after it."""
    r = SheetRow(number)

    def cell(name: str) -> Any:
        return cols.value(values, name)

    def take(name: str, parse: Any) -> Any:
        try:
            return parse(cell(name))
        except DomainError as e:
            r.problems.append((name, e))
            return None

    if merged is not None:
        r.problems.append(("row", DomainError("import.unclosed_quote", first=merged[0], last=merged[1])))  # fmt: skip
    r.name = cell_text(cell("name"))
    if not r.name:
        r.problems.append(("name", DomainError("name.required")))
    elif len(r.name) > MAX_NAME:
        r.problems.append(("name", DomainError("name.too_long", max=MAX_NAME)))
    else:
        take("name", lambda v: check_text(r.name, NAME_FIELD))
    phone, card = plain(cell("phone")), plain(cell("card"))
    if is_masked_phone(phone):
        r.masked = phone
    elif SCIENTIFIC.match(phone):  # 1.38123E+10: Excel showed it so and kept only those digits
        r.problems.append(("phone", DomainError("import.phone_scientific", phone=phone)))
    elif phone:
        r.phone = take("phone", lambda _: normalize_mobile(phone))
    r.card = take("card", lambda _: normalize_card(card, ctx.card_prefix)) if card else None
    r.gender = take("gender", parse_gender)
    _birthday(r, cell("birthday"), cell("lunar"), ctx.today)
    r.tier, r.salesperson = plain(cell("tier")) or None, plain(cell("salesperson")) or None
    r.referrer, r.notes = plain(cell("referrer")) or None, cell_text(cell("notes")) or None
    if r.notes:
        take("notes", lambda v: check_text(r.notes, NOTES_FIELD, line_breaks=True))
    r.joined = take("joined", lambda v: parse_date(v, cols.label("joined")))
    r.consent = take("consent", lambda v: parse_yes_no(v, cols.label("consent")))
    r.guardian = take("guardian", lambda v: parse_yes_no(v, cols.label("guardian")))
    r.status = take("status", parse_status)
    local = take("updated_at", lambda v: parse_datetime(v, cols.label("updated_at")))
    r.updated = to_utc_naive(local.replace(tzinfo=ctx.tz)) if local else None
    joined_at = shop_day_start_utc(r.joined, ctx.tz.key) if r.joined else None
    for name, moment in (("joined", joined_at), ("updated_at", r.updated)):
        if moment is not None and moment > ctx.now:
            error = DomainError("import.date_future", column=cols.label(name), value=cell_text(cell(name)))  # fmt: skip
            r.problems.append((name, error))
    r.points = take("points", lambda v: parse_points(v, cols.label("points")))
    r.principal = take("wallet_principal", lambda v: parse_balance(v, cols.label("wallet_principal")))  # fmt: skip
    r.bonus = take("wallet_bonus", lambda v: parse_balance(v, cols.label("wallet_bonus")))
    return r


def parse_points(value: Any, column: str | Message) -> int | None:
    """An opening points balance: a whole number of at least 0 (1,200 and 1200.0 too)."""
    text = plain(value).replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise DomainError("import.bad_points", column=column, value=cell_text(value))
    if number < 0:
        raise DomainError("import.balance_negative", column=column, value=cell_text(value))
    if number > MAX_POINTS:
        raise DomainError("import.balance_too_large", column=column, value=cell_text(value),
                          limit=MAX_POINTS)  # fmt: skip
    return int(number)


def parse_balance(value: Any, column: str | Message) -> int | None:
    """An opening stored-value balance in yuan (350, 350.00, ¥1,200.50) → fen."""
    text = plain(value)
    if not text:
        return None
    try:
        fen = parse_yuan(text, allow_negative=True)
    except DomainError as exc:
        raise DomainError("import.bad_amount", column=column, value=cell_text(value)) from exc
    if fen < 0:
        raise DomainError("import.balance_negative", column=column, value=cell_text(value))
    if fen > MAX_LINE_FEN:
        raise DomainError("import.balance_too_large", column=column, value=cell_text(value),
                          limit=format_fen(MAX_LINE_FEN))  # fmt: skip
    return fen


def _birthday(r: SheetRow, solar_cell: Any, lunar_cell: Any, today: date) -> None:
    """生日 with a 农历 flag or prefix, or a 农历生日 column holding the lunar date itself."""
    try:
        flag, name, value = parse_yes_no(lunar_cell, ""), "birthday", solar_cell
    except DomainError:
        flag, name, value = True, "lunar", lunar_cell
    try:
        parsed = parse_birthday(value, flag)
        if parsed.lunar is not None:
            r.born = lunar_birthday(*parsed.lunar, today).solar
            r.lunar = LunarDate(*parsed.lunar)
        elif parsed.solar is not None:
            r.birthday = r.born = solar_birthday(parsed.solar, today).solar
    except DomainError as e:
        r.problems.append((name, e))
