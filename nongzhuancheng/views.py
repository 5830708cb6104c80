from django.shortcuts import redirect
from django.views.generic import TemplateView

from .scoping import APPLICATION_RECEIVE, ENTITLEMENT_WORK, NoScopedRowsMixin, actions_of


class HomeView(NoScopedRowsMixin, TemplateView):
    """Sends each user to the page they work from, by what the policy lets them do: those who
    receive applications but work no entitlements (the stations' clerks) to the entry form, those
    who work entitlements but receive nothing (the member units) to the work queue, everyone else
    (county offices, the city, administrators) to the progress dashboard."""

    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        actions = actions_of(request.user)
        if APPLICATION_RECEIVE in actions and ENTITLEMENT_WORK not in actions:
            return redirect("households:application_new")
        if ENTITLEMENT_WORK in actions and APPLICATION_RECEIVE not in actions:
            return redirect("entitlements:queue")
        return redirect("quotas:dashboard")
