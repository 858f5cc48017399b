"""Times for people on the sitting's clock (issue 15, point 2; DESIGN section 7): a vote published at 07:00
Beijing time, 23:00 UTC the day before, is dated the day the hall saw it, in every form; machines keep UTC."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook

from tests.support.api import Api, set_up
from tests.support.sheets import PUBLISHED_AT, gongshu
from voting import config, localtime
from voting.exports.csv_sheet import render_csv
from voting.exports.pdf import render_pdf
from voting.exports.xlsx import render_xlsx
from voting.services import official
from voting.web import create_app

pytestmark = pytest.mark.slow  # PDFs rendered, read back by poppler

BEIJING = "2020-01-18 07:00 北京时间"
BEIJING_EN = "2020-01-18 07:00 Beijing time (UTC+8)"


def test_an_instant_is_worded_on_the_sitting_clock_with_the_zone_named() -> None:
    naive_utc = dt.datetime(2020, 1, 17, 23, 0)
    assert localtime.for_people(naive_utc, "Asia/Shanghai") == BEIJING
    assert localtime.for_people(naive_utc.replace(tzinfo=dt.UTC), "Asia/Shanghai", "en") == BEIJING_EN
    assert localtime.for_people(naive_utc, "Asia/Tokyo", "zh") == "2020-01-18 08:00 UTC+9"
    assert localtime.for_people(naive_utc, "Asia/Kolkata", "en") == "2020-01-18 04:30 UTC+5:30"
    assert localtime.for_people(naive_utc, "America/New_York") == "2020-01-17 18:00 UTC-5"
    assert localtime.for_people(naive_utc, "UTC", seconds=True) == "2020-01-17 23:00:00 UTC"
    assert localtime.local_iso(naive_utc, "Asia/Shanghai") == "2020-01-18T07:00:00+08:00"


def test_an_unknown_zone_stops_the_configuration_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'Asia/Beijing'"):
        config.load(str(tmp_path), {"TIME_ZONE": "Asia/Beijing", "SECRET_KEY": "x"})
    assert config.load(str(tmp_path), {"SECRET_KEY": "x"})["TIME_ZONE"] == "Asia/Shanghai"


def test_every_form_dates_a_vote_published_at_seven_in_beijing_that_day(tmp_path: Path) -> None:
    sheet = gongshu()
    assert sheet.published_at == PUBLISHED_AT
    rows = list(csv.DictReader(io.StringIO(render_csv(sheet).decode("utf-8-sig"))))
    assert {row["published_at"] for row in rows} == {"2020-01-18T07:00:00+08:00"}

    book = load_workbook(io.BytesIO(render_xlsx(sheet)))
    status = str(book["汇总"]["A4"].value)
    assert f"已于{BEIJING}公布" in status
    assert "2020-01-17" not in status

    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(render_pdf(sheet))
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(words.split())
    assert f"已于{BEIJING}公布" in flat
    assert f"published on {BEIJING_EN}" in flat
    assert "UTC " not in flat.replace("(UTC+8)", "")


class _PublishingClock:
    """``datetime`` as ``voting.services.official`` sees it: the publication happens at ``PUBLISHED_AT``."""

    UTC = dt.UTC

    class datetime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return PUBLISHED_AT.replace(tzinfo=dt.UTC)


def test_the_api_keeps_utc_and_the_forms_follow_the_configured_zone(
    app: Flask, clerk: Api, deputy: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sitting = set_up(clerk, size=4)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    first = sitting.open_round()
    for number in range(1, 5):
        sitting.cast(deputy, number, set(range(1, 11)))
    sitting.close_and_count(first["id"])
    # Published at 07:00 Beijing time: the forms are rendered then, once, and fixed (issue 15, point 3).
    monkeypatch.setattr(official, "dt", _PublishingClock)
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    monkeypatch.undo()

    assert deputy.get("/api/v1/time-zone") == {"time_zone": "Asia/Shanghai"}
    vote = deputy.get(f"/api/v1/votes/{sitting.vote_id}/result")["vote"]
    assert vote["published_at"] == "2020-01-17T23:00:00+00:00"
    assert deputy.get(f"/api/v1/votes/{sitting.vote_id}/hall")["published_at"] == "2020-01-17T23:00:00+00:00"
    round_ = clerk.get(f"/api/v1/rounds/{first['id']}")
    assert round_["closed_at"].endswith("+00:00")
    assert all(e["at"].endswith("+00:00") for e in clerk.get("/api/v1/audit"))
    said = deputy.get(f"/api/v1/votes/{sitting.vote_id}/announcement.txt?lang=zh")
    assert f"本结果于{BEIJING}公布。\n\n公布时审计日志头哈希" in said
    sheet = deputy.get(f"/api/v1/votes/{sitting.vote_id}/tally-sheet.csv")
    assert {row["published_at"] for row in csv.DictReader(io.StringIO(sheet.lstrip("\ufeff")))} == {
        "2020-01-18T07:00:00+08:00"
    }

    tokyo = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test", "TIME_ZONE": "Asia/Tokyo"})
    try:
        visitor = Api(tokyo.test_client())
        assert visitor.get("/api/v1/time-zone") == {"time_zone": "Asia/Tokyo"}
        # The announcement was fixed at publication on the sitting's clock: another server's setting does not
        # rewrite the document read out in the hall (its head line follows it).
        english = visitor.get(f"/api/v1/votes/{sitting.vote_id}/announcement.txt?lang=en")
        assert f"Published {BEIJING_EN}.\n\nAudit head at publication" in english
        assert "UTC+9" not in english
        assert (
            visitor.get(f"/api/v1/votes/{sitting.vote_id}/result")["vote"]["published_at"]
            == "2020-01-17T23:00:00+00:00"
        )
    finally:
        tokyo.extensions["voting.db"].dispose()
