from django import template

register = template.Library()


@register.filter
def thousands(value):
    """579476 → 579,476 (the same in every language; the bulletin is a Chinese document)."""
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
