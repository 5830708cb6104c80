from django.shortcuts import redirect
from django.views.generic import TemplateView

from .scoping import CLERK, MEMBER_UNIT, ScopeExemptMixin, role_of


class HomeView(ScopeExemptMixin, TemplateView):
    """Sends each role to the page it works from."""

    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        role = role_of(request.user)
        if role == CLERK:
            return redirect("households:application_new")
        if role == MEMBER_UNIT:
            return redirect("entitlements:queue")
        return redirect("quotas:dashboard")
