from django import template

register = template.Library()


@register.filter
def thousands(value):
    """579476 → 579,476 (the same in every language; the bulletin is a Chinese document)."""
    if value is None or value == "":
        return "—"
    try:
        n = int(value)
    except (TypeError, ValueError):
        return value
    return f"{n:,}" if n >= 0 else f"\u2212{-n:,}"  # one minus sign (U+2212), as in the pace gaps


@register.filter
def signed(value):
    """+1,234 / −1,234 / 0: a change of people."""
    text = thousands(value)
    return f"+{text}" if isinstance(value, int) and value > 0 else text


@register.filter
def cn_date(iso):
    """'2012-10-21' → 2012年10月21日 (the bulletin is a Chinese document)."""
    if not iso:
        return ""
    year, month, day = (int(x) for x in str(iso)[:10].split("-"))
    return f"{year}年{month}月{day}日"
