from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nongzhuancheng.masking import ID_REVEAL_SESSION_KEY, mask
from nongzhuancheng.scoping import ID_VIEW_WHOLE, allows

register = template.Library()


@register.filter
def period_label(period):
    """A ten-day period in the user's language: 2012年10月中旬, or 11th–20th Oct 2012."""
    if period is None or not hasattr(period, "english_label"):
        return period
    return period.english_label if (get_language() or "").startswith("en") else period.label


@register.filter
def signed(value):
    """+1,234 / −1,234 / 0: a change, with one minus sign (U+2212) everywhere."""
    if value is None or value == "":
        return "—"
    n = int(value)
    text = f"{abs(n):,}"
    return f"+{text}" if n > 0 else f"\u2212{text}" if n < 0 else "0"


@register.filter
def masked(number):
    """530602**********3X (nongzhuancheng.masking)."""
    return mask(number)


@register.simple_tag(takes_context=True)
def id_number(context, number):
    """A number in a list: always masked (whole numbers only on a detail page, by a logged click)."""
    return mask(number)


@register.simple_tag(takes_context=True)
def id_whole(context, person):
    """A person's number on a detail page: masked, with a button to see it whole for those the policy
    lets (ID_VIEW_WHOLE); whole once after that click (the reveal view logs it)."""
    request = context.get("request")
    if request is None or not allows(request.user, ID_VIEW_WHOLE):
        return mask(person.id_number)
    revealed = request.session.get(ID_REVEAL_SESSION_KEY, [])
    if person.pk in revealed:
        request.session[ID_REVEAL_SESSION_KEY] = [pk for pk in revealed if pk != person.pk]
        return person.id_number
    return format_html(
        '{} <form method="post" class="inline no-print" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="next" value="{}">'
        '<button type="submit" class="link">{}</button></form>',
        mask(person.id_number), reverse("households:person_id_reveal", args=[person.pk]),
        get_token(request), request.get_full_path(), _("显示完整号码"),
    )


@register.filter
def who(user):
    """A user's full name, else username; '—' when nobody is recorded (e.g. bulk-loaded data)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username() or "—"


# Full-width punctuation between translated words: kept in Chinese, its ASCII form in English.
_HALF_WIDTH = {"：": ": ", "（": " (", "）": ")", "，": ", ", "；": "; ", "、": ", ", "　": "  ", "。": ". "}


@register.simple_tag
def p(mark):
    """``{% p "：" %}``: the mark as written in Chinese, ": " in English (no full-width punctuation
    left between English words)."""
    if (get_language() or "").startswith("en"):
        return _HALF_WIDTH.get(mark, mark)
    return mark
