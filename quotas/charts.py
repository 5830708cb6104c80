"""SVG charts drawn on the server, for the dashboard and the PDF bulletin alike.

Our own small code rather than a charting library: the two charts are simple (bars against a line,
two lines), the output must be a standalone SVG string (no JS, no external resources) that
WeasyPrint embeds as is, and the text must be Chinese in "Noto Sans CJK SC". Libraries that can do
this (pygal, matplotlib) either add JS/CSS links by default or bring a large dependency and their
own font handling. Each function returns one ``<svg>`` element as a string; all text is escaped.
Rates are shown through nongzhuancheng.figures (cut, not rounded).
"""

from types import SimpleNamespace
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from nongzhuancheng.figures import percent_of

FONT = '"Noto Sans CJK SC", sans-serif'
BLUE, RED, GREEN, GREY, LINE = "#1f4e79", "#b3261e", "#2e7d32", "#666666", "#d9dee5"


def _attr(value):
    return escape(str(value), {'"': "&quot;"})


def _svg(width, height, body, title):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{_attr(FONT)}" font-size="12" role="img" '
        f'aria-label="{_attr(title)}"><title>{escape(title)}</title>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>{"".join(body)}</svg>'
    )


def _text(x, y, text, anchor="start", size=12, fill="#222222", weight="normal"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
            f'font-weight="{weight}">{escape(str(text))}</text>')


LABEL_GAP = 4  # px between the pace line and a figure beside it


def label_width(text, size):
    """The width a label takes (px): CJK characters a full em, others about 0.6 em (Noto Sans)."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in str(text))


def rate_bars_svg(progress, *, width=720):
    """Completion rate of each county as a horizontal bar, with the pace (序时进度) as a red line."""
    rows = progress.counties
    title = _("%(year)s年各县区目标任务完成率（截至%(day)s）") % {
        "year": progress.year, "day": f"{progress.as_of.month}月{progress.as_of.day}日"}
    left, right, top, row_h = 80, 90, 56, 24
    height = top + row_h * max(len(rows), 1) + 40
    scale_max = max([float(r.rate or 0) for r in rows] + [float(progress.pace), 1.0])
    scale_max = (int(scale_max * 4) + 1) / 4  # round the axis up to a quarter
    plot_w = width - left - right

    def x(value):
        return left + plot_w * float(value) / scale_max

    body = [_text(width / 2, 22, title, "middle", 14, weight="bold")]
    tick = 0.0
    while tick <= scale_max + 1e-9:
        body.append(f'<line x1="{x(tick):.1f}" y1="{top - 4}" x2="{x(tick):.1f}" y2="{height - 34}" stroke="{LINE}"/>')
        body.append(_text(x(tick), height - 20, f"{int(round(tick * 100))}%", "middle", 10, GREY))
        tick += 0.25
    pace_x = x(progress.pace)
    for i, r in enumerate(rows):
        y = top + i * row_h
        rate = float(r.rate or 0)
        colour = GREEN if r.ahead_of_pace else RED
        body.append(_text(left - 8, y + 16, r.county_name, "end"))
        body.append(f'<rect x="{left}" y="{y + 5}" width="{max(x(rate) - left, 0):.1f}" height="14" fill="{colour}"/>')
        label = percent_of(r.rate)
        label_x = x(rate) + 4
        if label_x - LABEL_GAP < pace_x < label_x + label_width(label, 11) + LABEL_GAP:
            label_x = pace_x + LABEL_GAP  # the pace line would cross the figure: the figure moves past it
        body.append(_text(label_x, y + 16, label, size=11))
    body.append(f'<line x1="{pace_x:.1f}" y1="{top - 6}" x2="{pace_x:.1f}" y2="{height - 34}" '
                f'stroke="{RED}" stroke-width="2" stroke-dasharray="5,3"/>')
    body.append(_text(pace_x, top - 12, _("序时进度 %(p)s") % {"p": percent_of(progress.pace)}, "middle", 11, RED))
    return _svg(width, height, body, title)


def _nice_ceiling(value):
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above ``value`` (for the axis)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return int(10 * magnitude)


def cumulative_svg(points, *, title, width=720, height=300, labels=None, legend=None, goal=None):
    """Cumulative transfers by ten-day period (blue) against the target path (dashed red).

    ``points`` have ``cumulative`` (None after as_of) and ``target_path``; ``labels`` maps a point's
    index to its axis label (default: the month under each month's first period); ``goal`` draws a
    horizontal line."""
    left, right, top, bottom = 70, 20, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_ceiling(max([p.target_path for p in points] + [p.cumulative or 0 for p in points]
                                  + [goal or 0, 1]))
    n = max(len(points), 1)
    if labels is None:
        labels = {i: f"{p.period.month}月" for i, p in enumerate(points) if p.period.part == 1}
    legend = legend or (_("累计完成"), _("目标序时进度"))

    def x(i):
        return left + plot_w * (i + 0.5) / n

    def y(value):
        return top + plot_h - plot_h * value / top_value

    body = [_text(width / 2, 22, title, "middle", 14, weight="bold")]
    for k in range(5):
        v = top_value * k / 4
        body.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" stroke="{LINE}"/>')
        body.append(_text(left - 6, y(v) + 4, f"{int(v):,}", "end", 10, GREY))
    for i, label in labels.items():
        body.append(_text(x(i), height - bottom + 16, label, "middle", 10, GREY))
    if goal:
        body.append(f'<line x1="{left}" y1="{y(goal):.1f}" x2="{width - right}" y2="{y(goal):.1f}" '
                    f'stroke="{GREY}" stroke-dasharray="2,3"/>')
        body.append(_text(left + 4, y(goal) - 4, _("目标 %(g)s") % {"g": f"{goal:,}"}, "start", 10, GREY))
    path = " ".join(f"{x(i):.1f},{y(p.target_path):.1f}" for i, p in enumerate(points))
    body.append(f'<polyline points="{path}" fill="none" stroke="{RED}" stroke-width="2" stroke-dasharray="6,4"/>')
    done = [(i, p) for i, p in enumerate(points) if p.cumulative is not None]
    if done:
        line = " ".join(f"{x(i):.1f},{y(p.cumulative):.1f}" for i, p in done)
        body.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
        i, last = done[-1]
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(last.cumulative):.1f}" r="3.5" fill="{BLUE}"/>')
        body.append(_text(x(i) + 6, y(last.cumulative) - 6, f"{last.cumulative:,}", size=11, fill=BLUE))
    legend_y = height - 14
    body.append(f'<line x1="{left}" y1="{legend_y - 4}" x2="{left + 24}" y2="{legend_y - 4}" stroke="{BLUE}" stroke-width="2.5"/>')
    body.append(_text(left + 30, legend_y, legend[0], size=11))
    body.append(f'<line x1="{left + 120}" y1="{legend_y - 4}" x2="{left + 144}" y2="{legend_y - 4}" '
                f'stroke="{RED}" stroke-width="2" stroke-dasharray="6,4"/>')
    body.append(_text(left + 150, legend_y, legend[1], size=11))
    return _svg(width, height, body, title)


def multi_year_svg(progress, *, width=720, height=300):
    """The city's cumulative transfers by year against the planned path and the 2020 goal."""
    points = [SimpleNamespace(target_path=y.planned_cumulative, cumulative=y.cumulative) for y in progress.years]
    title = _("%(a)s—%(b)s年累计转户与规划（目标%(g)s人）") % {
        "a": progress.years[0].year if progress.years else "", "b": progress.goal_year, "g": f"{progress.goal:,}"}
    return cumulative_svg(points, title=title, width=width, height=height,
                          labels={i: str(y.year) for i, y in enumerate(progress.years)},
                          legend=(_("累计完成"), _("各年目标累计")), goal=progress.goal)
