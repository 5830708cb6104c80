"""Filters of the application list (API). The filtering itself is ``selectors.application_list``:
this FilterSet only validates the parameters and describes them in the OpenAPI schema."""

import django_filters
from django.utils.translation import gettext_lazy as _

from nongzhuancheng import params
from nongzhuancheng.models import County, PoliceStation

from . import selectors
from .approval_models import CorrectionRequest
from .models import Person, TransferApplication
from .reference import Category


class DateFilter(django_filters.DateFilter):
    """A date inside the years the product covers (nongzhuancheng.params)."""

    field_class = params.DateParam


class ApplicationFilter(params.ValidatingFilterSet):
    q = django_filters.CharFilter(label=_("身份号码、姓名、户主或申请编号"), method="_noop", max_length=params.MAX_TEXT)
    status = django_filters.ChoiceFilter(choices=TransferApplication.Status.choices, label=_("状态"), method="_noop")
    county = django_filters.ModelChoiceFilter(queryset=County.objects.all(), label=_("县区"), method="_noop")
    station = django_filters.ModelChoiceFilter(queryset=PoliceStation.objects.all(), label=_("派出所"), method="_noop")
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("转户类别"), method="_noop")
    completed_from = DateFilter(label=_("办结日期起"), method="_noop")
    completed_to = DateFilter(label=_("办结日期止"), method="_noop")
    received_from = DateFilter(label=_("受理日期起"), method="_noop")
    received_to = DateFilter(label=_("受理日期止"), method="_noop")

    class Meta:
        model = TransferApplication
        fields = []

    def _noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = {}
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            data[name] = value.pk if hasattr(value, "pk") else value
        user = self.request.user if self.request is not None else None
        # application_list scopes with for_user itself, exactly like the viewset's queryset
        return selectors.application_list(user=user, filters=data)


# an id: a positive number a 64-bit column holds (SQLite refuses a larger one with an OverflowError)
MAX_ID = 2**63 - 1


def IdFilter(**kwargs):  # noqa: N802  (a filter class's factory)
    return django_filters.NumberFilter(min_value=1, max_value=MAX_ID, **kwargs)


class PersonFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("转户类别"))
    application = IdFilter(field_name="application_id", label=_("转户申请"))
    county = IdFilter(field_name="county_id", label=_("县区"))
    station = IdFilter(field_name="station_id", label=_("派出所"))
    completed_from = DateFilter(field_name="completed_on", lookup_expr="gte", label=_("办结日期起"))
    completed_to = DateFilter(field_name="completed_on", lookup_expr="lte", label=_("办结日期止"))

    class Meta:
        model = Person
        fields = []


class CorrectionFilter(django_filters.FilterSet):
    """?state= of the correction requests (API)."""

    state = django_filters.ChoiceFilter(choices=CorrectionRequest.State.choices, label=_("状态"))

    class Meta:
        model = CorrectionRequest
        fields = []
