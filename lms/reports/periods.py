"""Reporting periods (DESIGN §6): 2026-Q2, 2026-H1, 2026 or as_of=YYYY-MM-DD, in Vietnam time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _

from lms.reports.rollup import LOCAL_ZONE

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_AS_OF = re.compile(r"^as_of=(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """The period is not one of the accepted forms; the message is for the person."""


@dataclass(frozen=True)
class Period:
    """A period by its label, with its first and last day (Vietnam calendar)."""

    label: str
    first_day: date
    last_day: date

    @property
    def year(self) -> int:
        """The year whose population and targets apply: the year of the last day."""
        return self.last_day.year

    def end_utc(self) -> datetime:
        """Return the moment the period ends: midnight in Vietnam after its last day, in UTC."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), LOCAL_ZONE).astimezone(
            UTC
        )

    def figures_day(self, today: date) -> date:
        """Return the day the figures are taken at: the last day, or today for a running period."""
        return min(self.last_day, today)


def _year(text: str) -> int:
    year = int(text)
    if not 2000 <= year <= 2100:
        raise PeriodError(_("Năm của kỳ báo cáo phải từ 2000 đến 2100."))
    return year


def parse_period(text: str) -> Period:
    """Return the period written as 2026-Q2, 2026-H1, 2026 or as_of=2026-05-31."""
    value = (text or "").strip()
    if match := _QUARTER.match(value):
        year, quarter = _year(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        last = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
        return Period(value, first, last)
    if match := _HALF.match(value):
        year, half = _year(match[1]), int(match[2])
        return Period(
            value,
            date(year, 1 if half == 1 else 7, 1),
            date(year, 6, 30) if half == 1 else date(year, 12, 31),
        )
    if match := _YEAR.match(value):
        year = _year(match[1])
        return Period(value, date(year, 1, 1), date(year, 12, 31))
    if match := _AS_OF.match(value):
        try:
            day = date.fromisoformat(match[1])
        except ValueError as error:
            raise PeriodError(_("Ngày %(d)s không có trong lịch.", d=match[1])) from error
        _year(str(day.year))
        return Period(value, date(day.year, 1, 1), day)
    raise PeriodError(
        _(
            "Kỳ báo cáo “%(p)s” không hợp lệ. Hãy viết theo dạng 2026-Q2 (quý), 2026-H1 (nửa năm), "
            "2026 (cả năm) hoặc as_of=2026-05-31 (đến hết một ngày).",
            p=value,
        )
    )


def current_quarter(today: date) -> Period:
    """Return the quarter today falls in."""
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def local_today() -> date:
    """Return today's date in Vietnam."""
    return datetime.now(LOCAL_ZONE).date()


def quarter_ends(last_day: date, count: int) -> list[date]:
    """Return the last days of the `count` quarters up to the one holding last_day (oldest first)."""
    ends = []
    year, quarter = last_day.year, (last_day.month - 1) // 3 + 1
    for _step in range(count):
        ends.append(parse_period(f"{year}-Q{quarter}").last_day)
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return sorted(ends)
