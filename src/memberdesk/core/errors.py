"""Errors a person can act on, in the user's language.

Every refusal in core raises a ``DomainError`` with a message code and its
parameters; the text lives in one catalogue so the UI, the CLI and the HQ
answer the same words. Chinese (zh) is the default, English (en) on request.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (zh, en)
    "phone.invalid": (
        "手机号 {phone} 不是有效的中国大陆手机号",
        "{phone} is not a valid mainland China mobile number",
    ),
    "phone.duplicate": (
        "该手机号已被会员 {name}（卡号 {card}）使用",
        "this phone number already belongs to member {name} (card {card})",
    ),
    "name.required": ("请填写会员姓名", "the member's name is required"),
    "name.too_long": ("姓名不能超过 {max} 个字", "the name cannot be longer than {max} characters"),
    "birthday.future": (
        "生日 {birthday} 在未来，请检查",
        "the birthday {birthday} is in the future",
    ),
    "birthday.impossible": (
        "生日 {birthday} 不是有效日期",
        "the birthday {birthday} is not a valid date",
    ),
    "birthday.too_old": (
        "生日 {birthday} 早于 1900 年，请检查",
        "the birthday {birthday} is before 1900",
    ),
    "birthday.lunar_invalid": (
        "农历 {month} 月 {day} 日不存在",
        "lunar month {month} day {day} does not exist",
    ),
    "gender.invalid": ("性别只能是 男、女 或 未知", "gender must be male, female or unknown"),
    "card.invalid": (
        "卡号 {card} 无效：只能是 6–20 位数字或字母",
        "card number {card} is invalid: use 6–20 digits or letters",
    ),
    "card.check_digit": (
        "卡号 {card} 校验位不对，请重新扫描",
        "card number {card} fails its check digit; scan it again",
    ),
    "card.duplicate": (
        "卡号 {card} 已被会员 {name} 使用",
        "card number {card} is already used by member {name}",
    ),
    "card.not_found": ("找不到卡号 {card}", "no card with number {card}"),
    "card.lost": (
        "卡号 {card} 已挂失，请使用补办的新卡",
        "card {card} was reported lost; use the replacement card",
    ),
    "card.replaced": (
        "卡号 {card} 已换新卡，旧卡不能使用",
        "card {card} was replaced; the old card cannot be used",
    ),
    "card.cancelled": ("卡号 {card} 已注销", "card {card} is cancelled"),
    "member.not_found": ("找不到该会员", "member not found"),
    "member.frozen": (
        "会员 {name} 已冻结，不能消费",
        "member {name} is frozen and cannot make purchases",
    ),
    "member.cancelled": ("会员 {name} 已注销", "member {name} is cancelled"),
    "member.lost": (
        "会员 {name} 的卡已挂失，请先补卡",
        "member {name}'s card is reported lost; replace it first",
    ),
    "member.bad_status_change": (
        "会员 {name} 当前状态为 {status}，不能{action}",
        "member {name} is {status} and cannot be {action}",
    ),
    "member.has_balance": (
        "会员 {name} 还有余额 {balance}，请先退还再注销",
        "member {name} still holds {balance}; settle it before cancelling",
    ),
    "member.stale": (
        "会员 {name} 已被他人修改，请刷新后重试",
        "member {name} was changed by someone else; reload and try again",
    ),
    "referrer.not_found": ("找不到推荐人 {ref}", "referrer {ref} not found"),
    "referrer.self": ("会员不能推荐自己", "a member cannot refer themselves"),
    "staff.not_found": ("找不到员工 {name}", "staff member {name} not found"),
    "staff.duplicate": ("员工 {name} 已存在", "staff member {name} already exists"),
    "staff.inactive": ("员工 {name} 已停用", "staff member {name} is deactivated"),
    "staff.role_invalid": (
        "角色只能是 收银员、店长 或 老板",
        "role must be cashier, manager or owner",
    ),
    "pin.invalid": ("PIN 必须是 4–8 位数字", "the PIN must be 4–8 digits"),
    "pin.wrong": ("PIN 不正确，还可以再试 {left} 次", "wrong PIN; {left} tries left"),
    "pin.locked": ("输错次数过多，已锁定到 {until}", "too many wrong PINs; locked until {until}"),
    "permission.denied": (
        "{name}（{role}）无权{action}，需要店长或老板授权",
        "{name} ({role}) may not {action}; a manager or owner must authorise it",
    ),
    "store.not_memberdesk": (
        "{path} 不是 memberdesk 数据库",
        "{path} is not a memberdesk database",
    ),
    "store.corrupt": (
        "{path} 已损坏（完整性检查失败）：{detail}",
        "{path} is damaged (integrity check failed): {detail}",
    ),
    "store.too_new": (
        "{path} 由更新版本的 memberdesk 创建，请先升级程序",
        "{path} was written by a newer memberdesk; upgrade first",
    ),
    "store.missing": ("找不到文件 {path}", "file not found: {path}"),
    "store.busy": (
        "数据库 {path} 正被其他程序占用，请稍后再试",
        "the database {path} is busy in another program; try again shortly",
    ),
    "restore.same_file": (
        "不能用正在使用的数据库 {path} 恢复它自己，请选择一个备份文件",
        "{path} is the database in use; choose a backup file to restore from",
    ),
    "import.unknown_format": (
        "无法识别文件 {path}：只支持 .csv 和 .xlsx",
        "cannot read {path}: only .csv and .xlsx are supported",
    ),
    "import.no_name_column": ("文件中找不到“姓名”列", "the file has no name column"),
    # import / export (core/importexport.py, core/import_columns.py)
    "import.unreadable": (
        "无法读取 {path}：文件已损坏或格式不对（{detail}）",
        "cannot read {path}: the file is damaged or not what its name says ({detail})",
    ),
    "import.bad_encoding": (
        "无法识别 {path} 的文字编码，请在 Excel 中另存为“CSV UTF-8”",
        "cannot tell the text encoding of {path}; save it from Excel as “CSV UTF-8”",
    ),
    "import.column_repeated": (
        "“{column}”列与“{first}”列是同一项，只读取“{first}”",
        "column “{column}” means the same as “{first}”; only “{first}” is read",
    ),
    "import.column_unknown": (
        "无法识别“{column}”列，已忽略",
        "column “{column}” is not known; ignored",
    ),
    "import.column_ignored": ("“{column}”列不导入", "column “{column}” is not imported"),
    "import.balance_ignored": (
        "“{column}”列暂不导入：期初积分和储值余额由积分/储值模块记入账本后导入",
        "column “{column}” ignored for now: opening balances are imported by the loyalty module",
    ),
    "import.bad_date": (
        "{column}“{value}”不是有效日期（例如 2024-05-20）",
        "{column} “{value}” is not a valid date (e.g. 2024-05-20)",
    ),
    "import.bad_birthday": (
        "生日“{value}”无法识别（例如 1990-05-20，或 农历1990-04-26）",
        "birthday “{value}” is not understood (e.g. 1990-05-20, or 农历1990-04-26 for lunar)",
    ),
    "import.date_future": (
        "{column}“{value}”在未来，请检查",
        "{column} “{value}” is in the future",
    ),
    "import.bad_yes_no": (
        "{column}“{value}”应填 是 或 否",
        "{column} “{value}” should be yes or no",
    ),
    "import.bad_status": (
        "状态“{value}”无法识别（正常、挂失、冻结 或 注销）",
        "status “{value}” is not one of active, lost, frozen, cancelled",
    ),
    "import.status_new": (
        "状态为“{status}”的新会员不能导入，请导入后在系统中办理",
        "a new member with status “{status}” cannot be imported; import, then change the status",
    ),
    "import.salesperson_unknown": (
        "找不到导购 {name}，请先在员工管理中添加",
        "no staff member named {name}; add them in staff management first",
    ),
    "import.tier_unconfigured": (
        "会员等级“{tier}”无法导入：还没有设置会员等级（请先在会员方案中设置）",
        "tier “{tier}” cannot be imported: no tiers are set up yet (set up the loyalty program first)",
    ),
    "import.tier_unknown": (
        "没有这个会员等级：{tier}（现有：{known}）",
        "no such tier: {tier} (known: {known})",
    ),
    "import.phone_masked": (
        "手机号 {phone} 已打码，无法导入；请用完整手机号导出",
        "phone {phone} is masked and cannot be imported; export with full phone numbers",
    ),
    "import.card_mismatch": (
        "手机号 {phone} 属于会员 {name}（卡号 {member_card}），与本行卡号 {card} 不一致",
        "phone {phone} belongs to member {name} (card {member_card}), not to card {card}",
    ),
    "import.duplicate_card": (
        "卡号 {value} 与第 {other} 行重复",
        "card {value} repeats row {other}",
    ),
    "import.duplicate_phone": (
        "手机号 {value} 与第 {other} 行重复",
        "phone {value} repeats row {other}",
    ),
    "import.same_member": (
        "与第 {other} 行是同一位会员 {value}",
        "same member {value} as row {other}",
    ),
    "import.referrer_bad_row": (
        "推荐人 {ref} 在第 {row} 行，该行有问题未导入",
        "referrer {ref} is on row {row}, which has problems",
    ),
    "import.referrer_cycle": (
        "第 {rows} 行互相推荐，无法导入",
        "rows {rows} refer each other in a circle",
    ),
    "import.skip_newer": (
        "已跳过：本店会员 {name} 的记录较新（{when} 更新），保留本店记录",
        "skipped: the store's record of {name} is newer (updated {when})",
    ),
    "import.skip_same": (
        "已跳过：与本店会员 {name} 的记录同为 {when} 更新，无需改动",
        "skipped: the store's record of {name} has the same update time ({when})",
    ),
    "import.skip_no_time": (
        "已跳过：本行没有更新时间，无法判断新旧，保留本店会员 {name} 的记录",
        "skipped: the row has no update time, so the store's record of {name} is kept",
    ),
    "export.write_failed": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "timezone.invalid": ("时区 {tz} 无效", "unknown time zone {tz}"),
    "program.missing": (
        "找不到会员方案第 {version} 版",
        "loyalty program version {version} not found",
    ),
    "points.insufficient": (
        "会员 {name} 只有 {have} 积分，不够扣 {need} 积分",
        "member {name} holds {have} points, not the {need} needed",
    ),
    "wallet.insufficient": (
        "会员 {name} 储值余额 {have}，不够支付 {need}",
        "member {name}'s stored value is {have}, not the {need} needed",
    ),
    "rule.violation": ("{zh}", "{en}"),
    "sale.empty": ("请先录入商品或金额", "enter an amount or some lines first"),
    "sale.line_invalid": ("第 {line} 行：{reason}", "line {line}: {reason}"),
    "sale.walk_in_points": (
        "非会员不能使用积分或储值",
        "a walk-in customer cannot use points or stored value",
    ),
    "tender.unknown": ("未知的支付方式：{tender}", "unknown tender: {tender}"),
    "tender.short": ("还差 {missing} 未付", "{missing} is still to be paid"),
    "tender.over": (
        "{kind} 支付 {paid} 超过应付 {due}，只有现金可以找零",
        "{kind} payment {paid} exceeds the {due} due; only cash gives change",
    ),
    "wallet.over_due": (
        "储值支付 {wallet} 超过应付 {due}",
        "stored-value payment {wallet} exceeds the {due} due",
    ),
    "gift.unknown": ("没有这个礼品：{code}", "no such gift: {code}"),
    "gift.out_of_stock": ("礼品 {name} 已兑完", "gift {name} is out of stock"),
    "sale.not_found": ("找不到小票 {receipt}", "no sale with receipt {receipt}"),
    "refund.nothing_left": (
        "小票 {receipt} 已全部退完",
        "sale {receipt} is already fully refunded",
    ),
    "refund.no_line": ("小票 {receipt} 没有第 {line} 行", "sale {receipt} has no line {line}"),
    "refund.too_many": (
        "第 {line} 行“{description}”最多还能退 {left} 件",
        "line {line} ({description}) has only {left} left to refund",
    ),
    "refund.exceeds": (
        "退款不能超过剩余可退金额 {left}",
        "a refund cannot exceed the {left} left on the sale",
    ),
    "refund.points_spent": (
        "会员 {name} 已用掉这笔消费送的积分（差 {short} 分），按会员方案不能退货",
        "member {name} has already spent the points this sale earned ({short} short); the program refuses the refund",
    ),
    "topup.invalid": ("充值金额必须大于 0", "a top-up must be more than zero"),
    "topup.tender": (
        "充值只能用现金、银行卡、微信或支付宝",
        "top-ups are paid by cash, bank card, WeChat or Alipay",
    ),
    "topup.not_found": ("找不到这笔充值", "top-up not found"),
    "topup.already_reversed": ("这笔充值已经撤销过了", "this top-up was already reversed"),
    "topup.spent": (
        "这笔充值之后已有储值消费，不能撤销",
        "stored value was spent after this top-up; it cannot be reversed",
    ),
    "cashout.invalid": (
        "退现金额必须大于 0 且不超过本金 {principal}",
        "a cash-out must be above zero and at most the principal {principal}",
    ),
    "adjust.reason": ("调整积分必须填写原因", "a points adjustment needs a reason"),
    "adjust.zero": ("调整数量不能为 0", "the adjustment cannot be zero"),
    "tier.unknown": ("方案中没有“{tier}”这个等级", "the program has no tier “{tier}”"),
    "tier.reason": ("调整会员等级必须填写原因", "a tier change needs a reason"),
    "shift.open": ("{name} 已有未交班的班次", "{name} already has an open shift"),
    "shift.not_open": ("没有进行中的班次", "no open shift"),
    "shift.closed": ("这个班次已经交班", "this shift is already closed"),
    "amount.negative": ("金额不能为负数", "the amount cannot be negative"),
    "amount.invalid": ("金额 {value} 无效", "the amount {value} is invalid"),
    # printing (receipts and slips)
    "printer.setting_invalid": (
        "打印机设置 {field} 的值“{value}”无效",
        "printer setting {field}: '{value}' is not valid",
    ),
    "printer.spec_invalid": (
        "无法识别打印机地址“{spec}”，可以这样写：{examples}",
        "cannot read the printer address '{spec}'; write it like: {examples}",
    ),
    "printer.offline": (
        "连不上{where}：{why}。请检查打印机电源、连线或网络后重新打印，单据已保存不会丢失",
        "cannot reach the printer ({where}): {why}. Check its power, cable or network and print again; the document is saved",
    ),
    "printer.driver_missing": (
        "这台电脑缺少连接{where}的组件（pyusb / pyserial / pywin32），请改用网络或设备文件方式连接",
        "this computer lacks the driver module for the printer ({where}: pyusb / pyserial / pywin32); connect it by network or device file instead",
    ),
    "printer.paper_out": (
        "{where}缺纸：请装好打印纸后重新打印，单据已保存",
        "the printer ({where}) is out of paper: load paper and print again; the document is saved",
    ),
    "printer.write_failed": (
        "打印中断（{where}）：{why}。请检查打印机后重新打印，单据已保存",
        "printing stopped ({where}): {why}. Check the printer and print again; the document is saved",
    ),
    "print.job_not_found": ("找不到打印任务 {job}", "print job {job} not found"),
    "print.already_done": (
        "这张单据已经打印过了；如需再打一张，请用“重印”",
        "this document was already printed; use reprint for another copy",
    ),
    "print.kind_unknown": ("不能打印这种单据：{kind}", "cannot print documents of kind {kind}"),
    "print.nothing": ("没有可打印的单据：{ref}", "nothing to print for {ref}"),
    "print.no_sale": ("还没有任何销售小票", "there is no sale yet"),
    "print.layout_failed": (
        "单据排版出错（{why}），单据已保存，请联系技术支持",
        "the document could not be laid out ({why}); it is saved, please contact support",
    ),
    # follow-up lists, call log, SMS, cards
    "followup.kind_unknown": (
        "没有“{kind}”这种名单，可选：{kinds}",
        "there is no list '{kind}'; choose from: {kinds}",
    ),
    "followup.period_invalid": (
        "期间的结束日期 {end} 早于开始日期 {start}",
        "the period ends ({end}) before it starts ({start})",
    ),
    "followup.month_invalid": (
        "月份“{month}”无效，请写成 2026-04",
        "month '{month}' is invalid; write it like 2026-04",
    ),
    "followup.date_invalid": (
        "日期“{value}”无效，请写成 2026-04-01",
        "date '{value}' is invalid; write it like 2026-04-01",
    ),
    "followup.setting_invalid": (
        "名单设置中的天数和金额必须是不小于 0 的整数",
        "list thresholds must be whole numbers of at least 0",
    ),
    "followup.regular_visits_invalid": (
        "常客至少要来过 2 次（才看得出平时多久来一次），现在设的是 {visits} 次",
        "a regular needs at least 2 visits (to have a usual interval); the setting is {visits}",
    ),
    "call.outcome_unknown": (
        "联系结果“{outcome}”无效，可选：{known}",
        "outcome '{outcome}' is invalid; choose from: {known}",
    ),
    "call.note_too_long": (
        "备注不能超过 {max} 个字",
        "the note cannot be longer than {max} characters",
    ),
    "call.several_outcomes": (
        "同一行勾了多个结果（{boxes}），只能勾一个",
        "several outcomes ticked ({boxes}); tick only one",
    ),
    "call.sheet_unrecognised": (
        "{path} 不是本系统导出的回访名单（找不到“卡号”列）",
        "{path} is not a call list exported by memberdesk (no 卡号 column)",
    ),
    "sms.template_invalid": (
        "短信模板的花括号不配对：{template}",
        "the SMS template has unbalanced braces: {template}",
    ),
    "sms.placeholder_unknown": (
        "短信模板中的 {{{name}}} 无法识别，可用：{known}",
        "the SMS template uses an unknown placeholder {{{name}}}; available: {known}",
    ),
    "cards.nothing_selected": (
        "请选择要打印的会员卡：指定卡号，或“某日以后入会”的会员",
        "choose the cards to print: card numbers, or members who joined since a date",
    ),
    "cards.too_many": (
        "一次最多打印 {max} 张会员卡，请缩小范围",
        "at most {max} cards at a time; narrow the selection",
    ),
}


def translate(code: str, lang: str = "zh", **params: Any) -> str:
    zh, en = MESSAGES.get(code, (code, code))
    template = en if lang == "en" else zh
    # A parameter given as (zh, en) — a role or an action's name — follows the language.
    params = {
        k: (v[1] if lang == "en" else v[0]) if isinstance(v, tuple) and len(v) == 2 else v
        for k, v in params.items()
    }
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


class DomainError(Exception):
    """A refusal the user can act on. Nothing was changed when it is raised."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(translate(code, "zh", **params))

    def message(self, lang: str = "zh") -> str:
        return translate(self.code, lang, **self.params)


class ValidationFailed(DomainError):
    """Several field errors at once, so a form can show each beside its field."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        self.errors = errors
        first = next(iter(errors.values()))
        super().__init__(first.code, **first.params)

    def message(self, lang: str = "zh") -> str:
        return (
            "；".join(e.message(lang) for e in self.errors.values())
            if lang == "zh"
            else "; ".join(e.message(lang) for e in self.errors.values())
        )
