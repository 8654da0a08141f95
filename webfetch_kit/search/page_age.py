"""``page_age``: when a search result's page was published, written as the API writes it.

The API's documented example is ``"April 30, 2025"``: the published date written out in English. Give
``now=`` to get a relative age instead (``"3 days ago"``).
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["format_page_age"]


def _parse_published(published: str | date | datetime) -> date | None:
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    try:
        return datetime.fromisoformat(published.strip()).date()
    except ValueError:
        return None


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def format_page_age(published: str | date | datetime | None, *, now: datetime | None = None) -> str | None:
    """The ``page_age`` of a page published on ``published``.

    Args:
        published: An ISO 8601 date or datetime (string or object), or None.
        now: Without it the date is written out as in the API's documented example (``"April 30, 2025"``);
            with it the age is relative to ``now`` (``"today"``, ``"1 day ago"``, ``"3 weeks ago"``,
            ``"2 years ago"``).

    Returns:
        The age string; None when ``published`` is None or empty; ``published`` unchanged when it is a
        string that is not an ISO date.
    """
    if published is None or published == "":
        return None
    day = _parse_published(published)
    if day is None:
        return str(published)
    if now is None:
        return f"{day:%B} {day.day}, {day.year}"
    days = (now.date() - day).days
    if days <= 0:
        return "today"
    if days < 7:
        return _plural(days, "day")
    if days < 31:
        return _plural(days // 7, "week")
    if days < 365:
        return _plural(days // 30, "month")
    return _plural(days // 365, "year")
