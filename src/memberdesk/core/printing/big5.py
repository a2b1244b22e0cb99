"""Simplified → traditional text for Big5 printers (Taiwan and Hong Kong shops).

The app speaks simplified Chinese: our receipt labels, and whatever names and items
the shop typed. Big5 has no 会, 张, 晓, 额 …, so a Big5 receipt is converted to
traditional characters first, with OpenCC (Simplified → Traditional, then Taiwan
variant forms, which are the forms Big5 has: 為 not 爲, 裡 not 裏). OpenCC converts
words, not only characters: 余额 → 餘額, 头发 → 頭髮, 干净 → 乾淨.

The dictionaries take about 28 MB and a tenth of a second to load, so they are
loaded on the first Big5 text, never at start. Should OpenCC be missing or fail,
`TRADITIONAL` — a small character map of every label we print, common surnames and
everyday shop words — still converts what it knows; the layout prints any character
Big5 cannot show as □.

Known limit: OpenCC converts by words and takes the common reading of a character,
so a few surnames written the same in both scripts change (余 → 餘, 于 → 於, 游 → 遊).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

log = logging.getLogger(__name__)

# Simplified → Traditional (OpenCC standard), then → Taiwan variants. Two steps load
# about 16 MB less than OpenCC's one-step "s2tw" and give the same text.
OPENCC_STEPS = ("s2t", "t2tw")

_PAIRS = (
    "称稱 为為 从從 会會 储儲 兑兌 励勵 单單 号號 员員 备備 奖獎 宝寶 实實 应應 开開 当當 战戰 换換 数數 无無 "
    "时時 权權 来來 标標 欢歡 汉漢 测測 点點 现現 电電 礼禮 积積 笔筆 签簽 级級 绝絕 规規 计計 许許 试試 "
    "话話 调調 谢謝 负負 货貨 费費 赠贈 过過 这這 银銀 销銷 间間 顾顧 额額 余餘 后後 发發 优優 价價 总總 "
    "乐樂 东東 业業 广廣 门門 们們 长長 产產 买買 卖賣 车車 爱愛 丽麗 鲜鮮 鱼魚 鸡雞 条條 码碼 扫掃 觉覺 "
    "装裝 红紅 绿綠 蓝藍 黄黃 纯純 衬襯 裤褲 袜襪 针針 织織 饰飾 护護 肤膚 头頭 净淨 华華 张張 刘劉 陈陳 "
    "杨楊 赵趙 吴吳 孙孫 郑鄭 冯馮 邓鄧 钱錢 欧歐 阳陽 伟偉 军軍 强強 静靜 涛濤 艳艷 国國 贵貴 宾賓 区區 "
    "楼樓 层層 门門 库庫 务務 机機 网網 线線 联聯 系係 约約 转轉 让讓 认認 证證 记記 录錄 现現 场場 "
    "节節 庆慶 惊驚 喜喜 鞋鞋 帽帽 饮飲 糖糖 药藥 戏戲 饭飯 汤湯 盐鹽 面麵 块塊 双雙 个個 两兩 几幾 "
    "带帶 样樣 岁歲 气氣 体體 质質 热熱 凉涼 冻凍 轻輕 软軟 细細 饱飽 饼餅 馆館 酱醬 营營 际際 "
)
# The fallback for single characters Big5 cannot encode (see the module's doc).
TRADITIONAL: dict[str, str] = {pair[0]: pair[1] for pair in _PAIRS.split() if pair[0] != pair[1]}


@lru_cache(maxsize=1)
def _opencc_steps() -> tuple[Callable[[str], str], ...]:
    """OpenCC's converters, loaded once; () when OpenCC cannot be used here."""
    try:
        import opencc

        return tuple(opencc.OpenCC(step).convert for step in OPENCC_STEPS)
    except Exception:  # not installed, or its dictionaries missing from a frozen build
        log.warning("OpenCC unavailable: Big5 receipts use the built-in character map only")
        return ()


def opencc_available() -> bool:
    return bool(_opencc_steps())


def to_traditional(text: str) -> str:
    """`text` in traditional characters (Taiwan forms); unchanged where OpenCC has nothing
    to say or cannot take the text. ASCII passes through untouched."""
    if text.isascii():
        return text
    out = text
    try:
        for step in _opencc_steps():
            out = step(out)
    except Exception:  # e.g. a lone surrogate, which OpenCC cannot receive
        return text
    return out
