"""Times for people: an instant in the sitting's time zone, with the zone named (DESIGN section 7).

Machines keep UTC (the audit log, the API's timestamps, the database); people
read the sitting's local time, so that a vote published at 07:00 Beijing time
(23:00 UTC the day before) is dated the day the hall saw it.  The zone is a
setting (``TIME_ZONE``, ``VOTING_TIME_ZONE``; Asia/Shanghai by default) and
``for_people`` is the one function that words an instant for a person; the
pages do the same in ``static/js/clock.js``, with the zone the server names.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from voting.language import translations

DEFAULT_ZONE = "Asia/Shanghai"

BEIJING_TIME = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})
"""The names of China's one civil time, which people call 北京时间 (Beijing time)."""


@cache
def zone(name: str) -> ZoneInfo:
    """The zone of this IANA name; ValueError naming it when the tz database does not know it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: give an IANA name such as {DEFAULT_ZONE}") from None


def as_utc(instant: dt.datetime) -> dt.datetime:
    """The instant as an aware UTC datetime; a naive one is UTC, as the database stores it."""
    return instant.replace(tzinfo=dt.UTC) if instant.tzinfo is None else instant.astimezone(dt.UTC)


def local(instant: dt.datetime, zone_name: str) -> dt.datetime:
    """The instant on the sitting's clock."""
    return as_utc(instant).astimezone(zone(zone_name))


def offset_name(instant: dt.datetime, zone_name: str) -> str:
    """The zone's UTC offset at that instant, as people write it: UTC+8, UTC+5:30, UTC-3, UTC."""
    offset = local(instant, zone_name).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(instant: dt.datetime, zone_name: str, language: str) -> str:
    """北京时间 / Beijing time (UTC+8) for China's time; for another zone its UTC offset."""
    offset = offset_name(instant, zone_name)
    if zone_name in BEIJING_TIME:
        # The Chinese says 北京时间 alone, as people do: every reader of it knows it is UTC+8.
        return translations(language).gettext("Beijing time (%(offset)s)") % {"offset": offset}
    return offset


def for_people(instant: dt.datetime, zone_name: str, language: str = "zh", *, seconds: bool = False) -> str:
    """``2020-01-08 07:00 北京时间`` (zh) or ``2020-01-08 07:00 Beijing time (UTC+8)`` (en)."""
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{local(instant, zone_name).strftime(pattern)} {zone_label(instant, zone_name, language)}"


def local_iso(instant: dt.datetime, zone_name: str) -> str:
    """ISO 8601 on the sitting's clock with its offset (``2020-01-08T07:00:00+08:00``): a program reads the
    instant exactly and a person reads the local date."""
    return local(instant, zone_name).isoformat(timespec="seconds")
