"""Dates as the game's pages and stories show them."""

from __future__ import annotations

import datetime as dt


def day_text(day: dt.date) -> str:
    """'5 Jun 2025': day, short month, year, without a leading zero, as every page and story writes a date."""
    return day.strftime("%d %b %Y").lstrip("0")
