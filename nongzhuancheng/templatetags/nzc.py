from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from nongzhuancheng.masking import mask
from nongzhuancheng.scoping import ID_VIEW_WHOLE, allows

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label):
    """A navigation link; names of pages not installed are skipped."""
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return ""
    request = context.get("request")
    active = " active" if request is not None and request.path.startswith(url) and url != "/" else ""
    return format_html('<a class="nav-link{}" href="{}">{}</a>', active, url, label)


@register.filter
def masked(number):
    """530602********123X."""
    return mask(number)


@register.simple_tag(takes_context=True)
def id_number(context, number):
    """The whole number for those the policy lets see it (ID_VIEW_WHOLE), masked for the others."""
    request = context.get("request")
    if request is not None and allows(request.user, ID_VIEW_WHOLE):
        return number
    return mask(number)


@register.filter
def who(user):
    """A user's full name, else username; '—' when nobody is recorded (e.g. bulk-loaded data)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username() or "—"
