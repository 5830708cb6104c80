from django import template
from django.utils.safestring import mark_safe

from public.qr import lookup_url, qr_svg

register = template.Library()


@register.simple_tag
def lookup_qr(number):
    """The inline SVG QR code opening the progress lookup of application ``number``."""
    if not number:
        return ""
    return mark_safe(qr_svg(lookup_url(number)))  # noqa: S308 (segno's own SVG markup)


@register.simple_tag
def lookup_link(number):
    return lookup_url(number) if number else ""
