from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .roles import ADMIN, CITY_READER, CLERK, COUNTY_OFFICER, MEMBER_UNIT
from .scoping import APPLICATION_RECEIVE, ENTITLEMENT_WORK, NoScopedRowsMixin, actions_of, role_of


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


# The manuals (帮助), one a role, in templates/help/<role>.html (Simplified Chinese).
MANUALS = {
    CLERK: _("派出所受理民警"),
    COUNTY_OFFICER: _("县区农转城办公室"),
    MEMBER_UNIT: _("责任成员单位"),
    CITY_READER: _("市领导组办公室"),
    ADMIN: _("系统管理员"),
}


class HelpView(NoScopedRowsMixin, TemplateView):
    """帮助: the manual of the user's own role first, then the others' (what each does every day,
    and where). ``/help/<role>/`` opens another role's manual."""

    template_name = "help/index.html"

    def get_context_data(self, role=None, **kwargs):
        own = role_of(self.request.user)
        chosen = role or own or CLERK
        if chosen not in MANUALS:
            raise Http404
        others = [{"role": r, "label": label} for r, label in MANUALS.items() if r != chosen]
        return {**super().get_context_data(**kwargs), "chosen": chosen, "chosen_label": MANUALS[chosen],
                "manual": f"help/{chosen}.html", "others": others, "own": own}
