"""Application numbers (申请编号): one plain pattern, made in one place.

``<county code><date received YYYYMMDD><7-digit serial>``, e.g. ``530602201210080000123``: the serial
is the application's database id, so the number is unique, known as soon as the row has an id, and
sorts by county and day.
"""

import datetime


def application_number(*, county_code: str, received_on: datetime.date, serial: int) -> str:
    return f"{county_code}{received_on:%Y%m%d}{serial % 10_000_000:07d}"
