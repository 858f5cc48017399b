"""The receipt check, /receipt: a published ballot's round and marks as recorded; clear messages for an
unknown receipt, a malformed one, and one whose vote is not yet published; keyboard, axe, both languages."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.api import copied_by_hand
from tests.support.browser import DESKTOP, PHONE, page_text, tab
from tests.support.halls import CastBallot, Published
from tests.support.pages import check_both_sizes, marks_shown, open_receipt
from tests.support.servers import Http

ZH = page_text("zh", "receipt")
EN = page_text("en", "receipt")


def pick(published: Published, vote: int, round_number: int, index: int = 0) -> CastBallot:
    return [b for b in published.ballots if b.vote_id == vote and b.round_number == round_number][index]


def test_a_published_ballot_shows_its_round_and_marks(browser: Browser, published: Published) -> None:
    ballot = pick(published, published.tie_vote, 2, 6)  # deputy 7 approved 10 in the tie-break
    assert ballot.approvals == (10,)
    with tab(browser, **PHONE) as page:
        open_receipt(page, published.url)
        # Typed by hand, in lower case and without the dashes: the page reads it as the receipt.
        page.fill("#receipt", ballot.receipt.replace("-", "").lower())
        page.press("#receipt", "Enter")
        expect(page.locator("#found")).to_be_visible()
        expect(page.locator("#found-heading")).to_be_focused()
        expect(page.locator("#found-receipt")).to_have_text(ballot.receipt)
        expect(page.locator("#found-round")).to_have_text(
            ZH["round.named"].format(round=2, kind=ZH["round.kind.tie_break"])
        )
        expect(page.locator("#found-valid")).to_have_text(ZH["check.valid"])
        assert marks_shown(page) == {10: "approve", 11: "none"}
        expect(page.locator("#marks li[data-number='11'] .mark")).to_have_text(ZH["check.mark.not_approved"])
        expect(page.locator("#found-training")).to_be_hidden()
        api = Http(published.url).get(f"/api/v1/votes/{published.tie_vote}/result")
        expect(page.locator("#found-vote")).to_have_text(api["vote"]["title_zh"])
        expect(page.locator("#results-link")).to_have_attribute("href", f"/results?vote={published.tie_vote}")
        expect(page.locator("#check-error")).to_be_hidden()

        # A first-round ballot, prefilled from the link on the ballot page's receipt.
        first = pick(published, published.tie_vote, 1, 0)
        open_receipt(page, published.url, f"?receipt={first.receipt}")
        expect(page.locator("#found")).to_be_visible()
        expect(page.locator("#receipt")).to_have_value(first.receipt)
        shown = marks_shown(page)
        assert len(shown) == 12
        assert {n for n, m in shown.items() if m == "approve"} == set(first.approvals)


def test_a_receipt_copied_by_hand_with_0_for_o_and_1_for_i_or_l_is_found(
    browser: Browser, published: Published
) -> None:
    """Issue 14.6e: receipts hold O, I and L, which a deputy copying by hand writes as 0 and 1."""
    misread = [b for b in published.ballots if set(b.receipt) & set("OIL")]
    assert len(misread) >= 2
    for ballot, size, language in ((misread[0], PHONE, "zh"), (misread[1], DESKTOP, "en")):
        with tab(browser, **size) as page:
            open_receipt(page, published.url, "", language)
            page.fill("#receipt", copied_by_hand(ballot.receipt))
            page.press("#receipt", "Enter")
            expect(page.locator("#found")).to_be_visible()
            expect(page.locator("#found-receipt")).to_have_text(ballot.receipt)
            expect(page.locator("#check-error")).to_be_hidden()


def test_approve_oppose_abstain_marks_and_the_training_mark(browser: Browser, published: Published) -> None:
    ballot = pick(published, published.training_vote, 1, 1)  # deputy 2: approves 1-3, opposes 4, abstains on 6
    assert (ballot.approvals, ballot.opposes, ballot.abstains) == ((1, 2, 3), (4,), (6,))
    with tab(browser, **DESKTOP) as page:
        open_receipt(page, published.url, f"?receipt={ballot.receipt}", "en")
        expect(page.locator("#found")).to_be_visible()
        assert marks_shown(page) == {1: "approve", 2: "approve", 3: "approve", 4: "oppose", 5: "none", 6: "abstain"}
        expect(page.locator("#marks li[data-number='4'] .mark")).to_have_text(EN["check.mark.oppose"])
        expect(page.locator("#marks li[data-number='5'] .mark")).to_have_text(EN["check.mark.none"])
        expect(page.locator("#found-training")).to_be_visible()
        expect(page.locator("#found-round")).to_have_text(
            EN["round.named"].format(round=1, kind=EN["round.kind.first"])
        )


def test_unknown_malformed_and_unpublished_receipts_get_clear_messages(browser: Browser, published: Published) -> None:
    with tab(browser, **PHONE) as page:
        open_receipt(page, published.url)
        page.click("#check")
        expect(page.locator("#check-error")).to_have_text(ZH["check.empty"])
        expect(page.locator("#receipt")).to_be_focused()

        page.fill("#receipt", "ABCD-EFGH-JKLM-NPQR")
        page.click("#check")
        expect(page.locator("#check-error")).to_have_text(ZH["check.not_found"])
        expect(page.locator("#receipt")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#found")).to_be_hidden()

        page.fill("#receipt", "not a receipt!")
        page.click("#check")
        expect(page.locator("#check-error")).to_have_text(ZH["check.malformed"])

        # A real receipt of a counted but unpublished vote: not shown before publication.
        Http(published.url).get(f"/api/v1/receipts/{published.unpublished_receipt}", status=404)
        page.fill("#receipt", published.unpublished_receipt)
        page.click("#check")
        expect(page.locator("#check-error")).to_have_text(ZH["check.not_found"])
        assert "公告后才能查询" in ZH["check.not_found"]
        expect(page.locator("#found")).to_be_hidden()

        # The message follows the language switch.
        page.click("#lang-switch")
        expect(page.locator("#check-error")).to_have_text(EN["check.not_found"])


def test_every_state_passes_axe_at_both_sizes_in_both_languages(browser: Browser, published: Published) -> None:
    ballot = pick(published, published.training_vote, 1, 3)
    for language in ("zh", "en"):
        with tab(browser, **PHONE) as page:
            states = (
                ("entry", ""),
                ("found", f"?receipt={ballot.receipt}"),
                ("unknown", "?receipt=ABCD-EFGH-JKLM-NPQR"),
            )
            for state, query in states:
                open_receipt(page, published.url, query, language)
                if state == "found":
                    expect(page.locator("#found")).to_be_visible()
                if state == "unknown":
                    expect(page.locator("#check-error")).to_be_visible()
                check_both_sizes(page, f"receipt-{state}-{{size}}-{language}")


def test_keyboard_alone_checks_a_receipt(browser: Browser, published: Published) -> None:
    ballot = pick(published, published.tie_vote, 1, 4)
    with tab(browser, **DESKTOP) as page:
        open_receipt(page, published.url)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "lang-switch"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "receipt"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
        assert float(outline.removesuffix("px")) >= 3
        page.keyboard.type(ballot.receipt)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "check"
        page.keyboard.press("Enter")
        expect(page.locator("#found")).to_be_visible()
        expect(page.locator("#found-heading")).to_be_focused()
