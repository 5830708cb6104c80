"""A bulletin's frozen figures at their widest: eleven counties with six-digit figures, ties, rank
changes, every guarantee and retention column filled with large numbers. Built from the dataclasses
the selectors return, so the template and the charts see exactly what a real bulletin gives them."""

import datetime
from decimal import Decimal

from entitlements.models import GuaranteeKind, RetentionKind
from nongzhuancheng import figures
from nongzhuancheng.periods import Period, periods_of_year
from quotas import charts
from quotas.selectors import CityProgress, CountyProgress, PeriodPoint
from reports import selectors

COUNTIES = ["昭阳区", "鲁甸县", "巧家县", "盐津县", "大关县", "永善县", "绥江县", "镇雄县", "彝良县", "威信县", "水富县"]
PERIOD = Period(2012, 10, 2)
AS_OF = PERIOD.end
PACE = Decimal(294) / Decimal(366)


def _progress():
    rows = []
    for i, name in enumerate(COUNTIES):
        target = 148_000 - i * 9_000
        cumulative = int(target * (Decimal("1.10") - Decimal(i) / 20))
        rank = i + 1 if i < 9 else 9  # the last two tie
        rows.append(CountyProgress(
            county_id=i + 1, county_code=f"5306{i:02d}", county_name=name, target=target,
            period_done=9_000 + i * 317, month_done=18_000 + i, cumulative=cumulative,
            rate=figures.ratio(cumulative, target), pace=PACE,
            ahead_of_pace=figures.ratio(cumulative, target) >= PACE, rank=rank, previous_rank=rank + (1 if i % 2 else -1),
            rank_change=-1 if i % 2 else 1, remaining=max(target - cumulative, 0), periods_left=7,
            needed_per_period=max(target - cumulative, 0) // 7 or 0, projected_date=None,
            previous_period_done=12_000 - i * 400, rank_tied=i >= 8,
        ))
    target = sum(r.target for r in rows)
    cumulative = sum(r.cumulative for r in rows)
    return CityProgress(
        year=2012, as_of=AS_OF, target=target, provincial_target=130_000, cumulative=cumulative,
        period_done=sum(r.period_done for r in rows), previous_period_done=sum(r.previous_period_done for r in rows),
        month_done=0, rate=figures.ratio(cumulative, target), provincial_multiple=figures.ratio(cumulative, 130_000),
        pace=PACE, counties=rows,
    )


class _Cell:
    def __init__(self, county, kind, n):
        self.county_name, self.kind_label = county, kind
        # about the most a county has (the city transferred 579,476 people by 2012-10-20): totals near 600,000
        self.requested, self.in_progress, self.delivered, self.refused = 1_234 + n, 2_345, 52_456 + n, 1_111
        self.delivery_rate = figures.ratio(self.delivered, self.requested + self.in_progress + self.delivered + self.refused)
        self.kept, self.circulated, self.given_up = 52_456 + n, 12_345, 1_234


def figures_at_their_widest():
    progress = _progress()
    rows = selectors._county_rows(progress)
    total = selectors._total_row(progress, rows)
    delivery = selectors._pivot([_Cell(c, str(k.label), i) for i, c in enumerate(COUNTIES) for k in GuaranteeKind],
                                selectors._delivery_cell, selectors._delivery_total, selectors._delivery_rate)
    retention = selectors._pivot([_Cell(c, str(k.label), i) for i, c in enumerate(COUNTIES) for k in RetentionKind],
                                 selectors._retention_cell, selectors._retention_total)
    notice, behind, last = selectors._notice(rows=rows, pace=figures.percent_of(PACE), as_of=AS_OF)
    points, cumulative = [], 0
    for p in periods_of_year(2012):
        path = progress.target * (p.end - datetime.date(2012, 1, 1)).days // 366
        if p <= PERIOD:
            cumulative += progress.cumulative // 29
            points.append(PeriodPoint(period=p, done=0, cumulative=cumulative, target=progress.target, target_path=path))
        else:
            points.append(PeriodPoint(period=p, done=None, cumulative=None, target=progress.target, target_path=path))
    data = selectors.BulletinData(
        period_key=PERIOD.key, period_label=PERIOD.label, year=2012, issue_number=PERIOD.index, as_of=AS_OF,
        scope_name="全市", county_code="", doc_number="昭城统办〔2012〕29号", issuer="昭通市城乡统筹协调领导组办公室",
        target=progress.target, provincial_target=130_000, cumulative=progress.cumulative,
        period_done=progress.period_done, previous_period_done=progress.previous_period_done,
        change=progress.period_done - progress.previous_period_done, rate=total.rate,
        provincial_multiple=figures.multiple(progress.cumulative, 130_000), pace=figures.percent_of(PACE),
        opening="截至10月20日，全市累计转户1,234,567人。", notice=notice, counties=rows, total=total,
        categories=[], delivery=delivery, retention=retention, behind_pace=behind, last_ranked=last,
        rate_chart_svg=charts.rate_bars_svg(progress, width=680),
        series_chart_svg=charts.cumulative_svg(points, title="全市2012年各旬累计转户与目标进度", width=680, height=260),
    )
    frozen = selectors.as_frozen(data)
    frozen.update(revision=1, preview=False, issued_on="2012-10-21", made_on="2026-12-02")
    return frozen
