"""The tally sheet (计票结果报告单) as a printable PDF: A4, Chinese first, for signing.

An HTML page from a Jinja2 template (``templates/tally_sheet.html`` with its
stylesheet ``tally_sheet.css``), laid out by WeasyPrint.  The text is set in
Noto Serif/Sans CJK SC (Debian's fonts-noto-cjk, which ``scripts/setup.sh``
installs), falling back to HanaMin A and B (fonts-hanazono) for the rare
characters beyond them, such as CJK Extension B in a deputy's name; what no
installed font covers is reported at export (``fonts.missing_glyphs``).  The page numbers (第 N 页 / 共 M 页) and the running header come from
CSS ``@page`` rules, and a training vote's 演练 / TRAINING mark is a fixed
element, which WeasyPrint repeats on every page.
"""

from __future__ import annotations

from voting.domain.rules import BallotStyle
from voting.exports import fonts, words
from voting.exports.sheet import STATUS_EN, STATUS_ZH, TallySheet, rules_in_words
from voting.exports.templating import render


def render_html(sheet: TallySheet) -> str:
    """The sheet as the HTML page the PDF is laid out from."""
    return render(
        "tally_sheet.html",
        "zh",
        sheet=sheet,
        words=words,
        title_zh=words.title(sheet, "zh"),
        title_en=words.title(sheet, "en"),
        rules=list(zip(rules_in_words(sheet.rules, "zh"), rules_in_words(sheet.rules, "en"), strict=True)),
        aoa=sheet.rules.ballot_style is BallotStyle.APPROVE_OPPOSE_ABSTAIN,
        status_zh=STATUS_ZH,
        status_en=STATUS_EN,
        zip=zip,
    )


def load_renderer() -> None:
    """Load WeasyPrint now rather than at the first PDF.

    ``voting serve`` calls this in each worker before it serves: loading
    WeasyPrint finds Pango's libraries by running ``ldconfig``, and under the
    gevent workers a subprocess can only be started from the event loop's own
    thread, while a PDF is made in one of the worker's native threads
    (voting.web.loop).  The fonts' coverage (``fonts.load``) is read by ``fc-list`` for the same reason.
    """
    import weasyprint  # noqa: F401  # loaded for its side effect, in the loop's thread (above)

    fonts.load()


def render_pdf(sheet: TallySheet) -> bytes:
    """The sheet as a PDF document."""
    # WeasyPrint loads Pango and the fonts: only when a PDF is wanted, not when the app or a command
    # starts (the server loads it up front, ``load_renderer``).
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(sheet), url_fetcher=_no_fetching).write_pdf()
    return pdf


def _no_fetching(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The sheet is self-contained: nothing it shows is fetched, whatever a title might say."""
    raise ValueError(f"the tally sheet fetches nothing ({url!r})")
