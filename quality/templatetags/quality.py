"""{% quality_tile county %}: the data-quality counts on a dashboard (the quotas templates load this
library by name; quotas never imports quality)."""

from django import template

from nongzhuancheng.scoping import QUALITY_VIEW, allows

from .. import selectors

register = template.Library()


@register.inclusion_tag("quality/_tile.html", takes_context=True)
def quality_tile(context, county=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not allows(user, QUALITY_VIEW):
        return {"show": False}
    county_id = getattr(county, "pk", None)
    return {"show": True, "county_id": county_id, **selectors.tile(user=user, county_id=county_id)}
