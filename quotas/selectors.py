"""Reads of targets and progress. Every figure is an SQL aggregate.

The dataclasses below are the contract the dashboard, the API and the ten-day bulletin read.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class CountyProgress:
    county_id: int
    county_code: str
    county_name: str
    target: int                      # annual target in force at as_of (0 if none)
    period_done: int                 # completed in the ten-day period containing as_of, up to as_of
    month_done: int                  # completed in as_of's month up to as_of
    cumulative: int                  # completed from 1 January to as_of
    rate: Decimal | None             # cumulative ÷ target (None if no target)
    pace: Decimal                    # 序时进度, the share of the year elapsed at as_of
    ahead_of_pace: bool              # rate >= pace
    rank: int                        # 1 = highest rate among the counties
    previous_rank: int | None        # rank at the end of the previous period
    rank_change: int | None          # previous_rank - rank (positive = moved up)
    remaining: int                   # max(target - cumulative, 0)
    periods_left: int                # ten-day periods left in the year after as_of
    needed_per_period: int | None    # ceil(remaining ÷ periods_left); 0 if met; None if no periods left and not met
    projected_date: datetime.date | None  # date the target is met at the current daily rate, None if not this year
    previous_period_done: int = 0    # completed in the previous ten-day period


@dataclass
class CityProgress:
    year: int
    as_of: datetime.date
    target: int
    provincial_target: int | None
    cumulative: int
    period_done: int
    previous_period_done: int
    month_done: int
    rate: Decimal | None
    provincial_multiple: Decimal | None
    pace: Decimal
    counties: list[CountyProgress] = field(default_factory=list)
