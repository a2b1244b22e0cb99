"""Member cards: CR80 faces, ten to an A4 sheet, or one per CR80 page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from memberdesk.core.errors import DomainError
from memberdesk.core.members.cards_pdf import CARD_H, CARD_W, build_cards_pdf, card_faces
from memberdesk.core.members.member import replace_card


def test_a_sheet_of_new_members_cards(shop, tmp_path: Path) -> None:
    store, _, _ = shop
    faces = card_faces(store, new_since=date(2026, 1, 1))
    assert [f.member_name for f in faces] == [
        "新未回",
        "新回来",
        "新太早",
        "新十五",
        "新七天",
        "新三天",
    ]
    out = build_cards_pdf(faces, tmp_path / "cards.pdf")
    reader = PdfReader(out.path)
    assert out.pages == len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for face in faces:
        assert face.member_name in text and f"卡号 {face.card_no}" in text
    assert text.count("测试小店") == 6
    fonts = {
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYiMicroHei" in f for f in fonts)


def test_ten_cards_per_a4_page(shop, tmp_path: Path) -> None:
    store, _, _ = shop
    faces = card_faces(store, new_since=date(2024, 1, 1))
    assert len(faces) > 20
    out = build_cards_pdf(faces, tmp_path / "all.pdf")
    assert out.pages == -(-len(faces) // 10)
    first = PdfReader(out.path).pages[0].extract_text()
    assert (
        sum(f.member_name in first for f in faces[:10]) == 10 and faces[10].member_name not in first
    )


def test_one_off_card_on_a_cr80_page(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    new = replace_card(store, fx.owner, fx.ids["张四月"], reason="卡片磨损")
    faces = card_faces(store, card_nos=["8800000013"])  # the old number finds the member's new card
    assert [(f.member_name, f.card_no) for f in faces] == [("张四月", new.card_no)]
    out = build_cards_pdf(faces, tmp_path / "one.pdf", sheet=False)
    page = PdfReader(out.path).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (CARD_W, CARD_H)
    )
    assert new.card_no in page.extract_text()


def test_nothing_selected_is_refused(shop) -> None:
    store, _, _ = shop
    with pytest.raises(DomainError):
        card_faces(store)
    with pytest.raises(DomainError):
        card_faces(store, card_nos=["0000"])


@pytest.mark.parametrize(
    ("lang", "label"), [("zh_CN", "卡号"), ("zh_TW", "卡號"), ("en", "Card no.")]
)
def test_the_card_number_is_labelled_in_the_shops_language(
    shop, tmp_path: Path, lang: str, label: str
) -> None:
    """Every card printed "NO. 8800000013", in English whatever the shop's language."""
    store, _, _ = shop
    faces = card_faces(store, new_since=date(2026, 1, 1), lang=lang)
    text = PdfReader(build_cards_pdf(faces, tmp_path / "cards.pdf").path).pages[0].extract_text()
    assert all(f"{label} {face.card_no}" in text for face in faces)
    assert "NO." not in text
