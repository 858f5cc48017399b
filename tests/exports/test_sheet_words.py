"""The PDF tally sheet's words come from the server's one gettext catalog, through the exports' Jinja environments.

The page prints Chinese with its English beside it: the template names each
message once per language (``_`` and ``en``), and neither language's words
are written in it.  No PDF is made here: the HTML page is the text.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from fractions import Fraction
from importlib.resources import files

from jinja2.ext import extract_from_ast

from tests.support.sheets import first_round, gongshu
from voting.domain import RuleSettings
from voting.exports.pdf import render_html
from voting.exports.sheet import rules_in_words
from voting.exports.templating import environment
from voting.language import translations

TEMPLATE = files("voting.exports").joinpath("templates", "tally_sheet.html").read_text(encoding="utf-8")
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")


def test_the_template_writes_no_chinese_word_of_its_own() -> None:
    assert HAN.findall(TEMPLATE) == []


def test_every_message_the_template_names_has_its_chinese() -> None:
    zh = translations("zh")
    functions = ("_", "en", "ngettext", "en_ngettext")
    named = list(extract_from_ast(environment("zh").parse(TEMPLATE), gettext_functions=functions))
    assert len(named) > 40
    untranslated = []
    for _line, function, message in named:
        # A message with named values comes as a tuple padded with None; a plural, its two forms first.
        strings = [text for text in (message if isinstance(message, tuple) else (message,)) if text is not None]
        if function.endswith("ngettext"):
            singular, plural = strings
            if zh.ngettext(singular, plural, 2) == plural:
                untranslated.append(singular)
        elif zh.gettext(strings[0]) == strings[0]:
            untranslated.append(strings[0])
    assert untranslated == []


def test_the_labels_are_in_chinese_with_their_english_beside_them() -> None:
    html = render_html(gongshu())
    assert '<th>会议<span class="en">Meeting</span></th>' in html
    assert '<th>票决编号<span class="en">Vote no.</span></th>' in html
    assert '<div class="running-footer">票决编号 Vote 1</div>' in html
    assert '<h2>票决办法 <span class="en">Rules</span></h2>' in html
    assert (
        '<p class="lead">应选项目10个，项目获得赞成票不少于126票方可当选。'
        '<span class="en">10 seats; a project needs at least 126 approvals.</span></p>'
    ) in html
    assert '出席代表符合法定人数；本轮票决有效。<span class="en">Quorum present; the round is valid.</span>' in html
    assert "<li>第1号 " in html
    assert "（赞成228票）</li>" in html
    assert (
        '共10个项目当选（按当选先后）：<span class="en">10 projects selected, in the order the seats were won.</span>'
    ) in html
    assert '<td class="date">　　　　年　　月　　日</td>' in html


def test_english_counts_are_singular_or_plural_and_chinese_bare() -> None:
    one = first_round(seats=1, threshold=1, vacant=1, selected=())
    html = render_html(gongshu((one,), selected=(), vacant=1))
    assert (
        '应选项目1个，项目获得赞成票不少于1票方可当选。<span class="en">1 seat; a project needs at least 1 approval.'
        in html
    )
    assert '<p>按票决办法，1个名额空缺。<span class="en">1 seat vacant.</span></p>' in html
    assert (
        "共0个项目当选（按当选先后）：1个名额空缺。"
        '<span class="en">0 projects selected, in the order the seats were won; 1 seat vacant.</span>'
    ) in html


def test_an_undecided_vote_names_in_chinese_what_is_selected_so_far() -> None:
    tied = first_round(selected=(1, 2), runoff_reason="tie", runoff_projects=(3, 4), runoff_seats=1)
    html = render_html(gongshu((tied,), selected=(1, 2), decided=False, official=False))
    assert (
        "票决尚未完成：已当选2个项目（第1号、第2号），还需进行下一轮。"
        '<span class="en">The vote is not decided yet: a further round is called for.</span>'
    ) in html


def test_a_void_round_without_quorum() -> None:
    void = first_round(void=True, quorum=False, selected=())
    html = render_html(gongshu((void,), selected=(), decided=False, official=False))
    assert (
        '出席代表不足法定人数；<strong>本轮票决无效。</strong><span class="en">No quorum; the round is void.</span>'
    ) in html


def test_each_language_keeps_its_own_words_when_rendered_at_once_on_threads() -> None:
    """Each language has its own environment: none is switched at a render, so a render on one thread never
    reads another's language."""
    sheets = [gongshu(), replace(gongshu(), training=True)] * 8
    alone = [render_html(sheet) for sheet in sheets[:2]] * 8
    words = {language: environment(language).from_string('{{ _("Meeting") }}') for language in ("zh", "en")}

    def both(sheet_and_language: tuple[int, str]) -> tuple[str, str]:
        index, language = sheet_and_language
        return render_html(sheets[index]), words[language].render()

    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(both, [(i, ("zh", "en")[i % 2]) for i in range(len(sheets))]))
    assert [html for html, _ in done] == alone
    assert [word for _, word in done] == ["会议", "Meeting"] * 8


def test_the_rules_in_words_say_the_fraction_and_the_seats_as_they_are() -> None:
    """Beyond a half, the Chinese names the fraction throughout (过半数 would say a half); one seat is singular."""
    rules = RuleSettings(seats=1, threshold_fraction=Fraction(2, 3))
    chinese, english = rules_in_words(rules, "zh"), rules_in_words(rules, "en")
    assert chinese[2] == "项目获得全体代表超过2/3赞成票，方可当选；达到该票数的项目中按得票多少依次当选。"
    assert english[0] == "1 seat; a ballot approving more than 1 project is invalid."
    assert rules_in_words(RuleSettings(seats=10), "en")[0].startswith("10 seats; ")
