"""Why sync stops: the refusals a person reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import DomainError

SYNC_MESSAGES: dict[str, tuple[str, str]] = {
    "sync.not_configured": (
        "尚未设置同步：请先运行 memberdesk sync setup --url 总部地址 --terminal 终端编号",
        "sync is not set up: run memberdesk sync setup --url HQ_URL --terminal TERMINAL_ID first",
    ),
    "sync.no_token": (
        "没有同步令牌：请运行 memberdesk sync setup，或用环境变量 MEMBERDESK_SYNC_TOKEN 或 --token-stdin 提供",
        "no sync token: run memberdesk sync setup, or pass it in MEMBERDESK_SYNC_TOKEN or with --token-stdin",
    ),
    "sync.bad_url": (
        "总部地址 {url} 无效：应以 https:// 或 http:// 开头",
        "the HQ address {url} is invalid: it must start with https:// or http://",
    ),
    "sync.token_refused": (
        "总部拒绝了本终端的令牌（令牌错误或已作废）。请向总部索取新令牌，再运行 memberdesk sync setup",
        "HQ refused this terminal's token (wrong or revoked). Ask HQ for a new token, then run memberdesk sync setup",
    ),
    "sync.wrong_store": (
        "总部登记的本终端门店是 {hq_store}，与本店设置的门店代码 {store} 不符，已停止同步",
        "HQ has this terminal registered for store {hq_store}, not {store}; sync stopped",
    ),
    "sync.wrong_terminal": (
        "这个令牌属于另一台终端，不是 {terminal}，已停止同步",
        "this token belongs to another terminal, not {terminal}; sync stopped",
    ),
    "sync.clock": (
        "本机时间与总部相差约 {minutes} 分钟（最多允许 {limit} 分钟），为防止账目日期出错已暂停同步。请先校准电脑时间",
        "this computer's clock differs from HQ's by about {minutes} minutes (at most {limit} allowed); "
        "sync is paused so no day is booked wrongly. Set the clock right first",
    ),
    "sync.diverged": (
        "本终端的记录与总部不一致（第 {seq} 条），可能恢复过旧的备份；为防止数据错乱已停止同步，请联系总部",
        "this terminal's records disagree with HQ's (at number {seq}), perhaps after restoring an old "
        "backup; sync stopped to keep the data straight: contact HQ",
    ),
    "sync.gap": (
        "总部要求从第 {expected} 条重新发送，但本机补不齐；已停止同步，请联系总部",
        "HQ asks to resend from number {expected}, which this terminal cannot supply; sync stopped: contact HQ",
    ),
    "sync.protocol": (
        "总部服务器与本程序的同步协议不兼容，请升级程序",
        "HQ's server speaks a sync protocol this program does not; upgrade the program",
    ),
    "sync.refused": (
        "总部拒绝了这批数据（HTTP {status} {code}），已停止同步，请联系总部",
        "HQ refused the batch (HTTP {status} {code}); sync stopped: contact HQ",
    ),
    "sync.offline": (
        "暂时无法连接总部（{what}），数据都已保存在本机，稍后会自动重试",
        "cannot reach HQ right now ({what}); everything is kept here and will be sent later",
    ),
    "sync.terminal_changed": (
        "本机已经以终端 {old} 向总部同步过；改用 {new} 会把全部记录重新发送一遍。"
        "令牌丢失时请让总部为 {old} 重新发令牌（memberdesk-hq new-token）；确需更换请加 --force",
        "this computer already syncs as terminal {old}; switching to {new} would send every record "
        "again. For a lost token ask HQ for a new one for {old} (memberdesk-hq new-token); to "
        "switch anyway, add --force",
    ),
    "sync.internal": (
        "同步出错（{what}），数据都在本机，详情见日志",
        "sync failed ({what}); everything is kept here; details in the log",
    ),
    "sync.too_large": (
        "这条记录太大，总部无法接收（{size} 字节）",
        "this record is too large for HQ to accept ({size} bytes)",
    ),
}


class SyncError(DomainError):
    """Sync cannot go on; the message says why in Chinese and English."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        Exception.__init__(self, self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        zh, en = SYNC_MESSAGES.get(self.code, (self.code, self.code))
        template = en if lang == "en" else zh
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template

    def as_setting(self, at: datetime) -> dict[str, Any]:
        return {"code": self.code, "zh": self.message("zh"), "en": self.message("en"),
                "at": at.isoformat()}  # fmt: skip
