"""The chart of a cross-table: one stacked horizontal bar a row, a segment a column, drawn on the
server as one standalone ``<svg>`` (the dashboard's way: ``quotas.charts``; no script, no style)."""

from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from quotas.charts import GREY, LINE, _svg, _text

PALETTE = ["#1f4e79", "#2e7d32", "#b3261e", "#e69f00", "#6a3d9a", "#56b4e9", "#8c564b", "#cc79a7",
           "#009e73", "#999999", "#f0e442", "#17becf"]


def stacked_bars_svg(table, *, width=760):
    """Each row of ``table`` (an ``insights.selectors.Table``) as a bar of its total, split by column."""
    title = _("%(rows)s × %(cols)s（人）") % {"rows": table.rows.label, "cols": table.cols.label}
    rows = [(code, label, table.row_totals.get(code, 0)) for code, label in table.row_values]
    cols = table.col_values
    left, right, top, row_h = 150, 70, 44, 22
    legend_rows = (len(cols) + 3) // 4
    height = top + row_h * max(len(rows), 1) + 30 + 18 * legend_rows
    peak = max([n for _c, _l, n in rows] + [1])
    plot_w = width - left - right
    body = [_text(width / 2, 22, title, "middle", 14, weight="bold")]
    body.append(f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{top + row_h * len(rows)}" stroke="{LINE}"/>')
    for i, (code, label, total) in enumerate(rows):
        y = top + i * row_h
        body.append(_text(left - 8, y + 15, label[:12], "end", 11))
        x = float(left)
        for j, (col, col_label) in enumerate(cols):
            n = table.count(code, col)
            if not n:
                continue
            w = plot_w * n / peak
            body.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="14" fill="{PALETTE[j % len(PALETTE)]}">'
                        f'<title>{escape(label)} · {escape(col_label)}: {n:,}</title></rect>')
            x += w
        body.append(_text(x + 4, y + 15, f"{total:,}", size=10, fill=GREY))
    legend_top = top + row_h * len(rows) + 24
    for j, (_col, col_label) in enumerate(cols):
        lx = 20 + (j % 4) * ((width - 40) / 4)
        ly = legend_top + (j // 4) * 18
        body.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>')
        body.append(_text(lx + 16, ly, col_label[:14], size=11))
    return _svg(width, height, body, title)


