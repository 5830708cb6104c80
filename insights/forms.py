"""The declared query parameters of the statistics pages (``nongzhuancheng.params``)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from households.forms import QuickSelect
from nongzhuancheng import params
from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import VIEW_STATISTICS

from .selectors import CHOICES, DIMENSIONS

EVERYTHING = [("", _("全部"))]


class StatisticsFilterForm(params.ParamsForm):
    """The period and the place: the same on the table, its export and the people of a cell.
    Counties and stations outside the user's scope are no valid choice (400)."""

    year = params.YearParam(label=_("办结年度"))
    completed_from = params.DateParam(label=_("办结日期自"), widget=forms.DateInput(attrs={"type": "date"}))
    completed_to = params.DateParam(label=_("至"), widget=forms.DateInput(attrs={"type": "date"}))
    county = forms.ChoiceField(label=_("县区"), required=False)
    station = forms.ChoiceField(label=_("派出所"), required=False, widget=QuickSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        counties = County.objects.for_user(user, VIEW_STATISTICS).order_by("code")
        self.fields["county"].choices = EVERYTHING + [(str(c.pk), c.name) for c in counties]
        stations = PoliceStation.objects.for_user(user, VIEW_STATISTICS).select_related("county").order_by("code")
        self.station_county = {str(s.pk): s.county_id for s in stations}
        self.fields["station"].choices = EVERYTHING + [(str(s.pk), str(s)) for s in stations]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("county", "station"):
            data[name] = int(data[name]) if data.get(name) else None
        if data.get("station") and data.get("county") and self.station_county.get(str(data["station"])) != data["county"]:
            self.add_error("station", _("该派出所不属于所选县区。"))
        start, end = data.get("completed_from"), data.get("completed_to")
        if start and end and start > end:
            self.add_error("completed_to", _("结束日期早于开始日期。"))
        return data

    def filters(self) -> dict[str, Any]:
        """The cleaned filters that are set (what the selectors take)."""
        keys = ("year", "completed_from", "completed_to", "county", "station", "township")
        return {k: v for k, v in self.cleaned_data.items() if k in keys and v not in (None, "")}


class StatisticsParams(StatisticsFilterForm):
    """The statistics page: two dimensions, the period and the place."""

    rows = forms.ChoiceField(label=_("行"), choices=CHOICES, required=False)
    cols = forms.ChoiceField(label=_("列"), choices=CHOICES, required=False)
    format = params.FormatParam()

    field_order = ["rows", "cols", "year", "completed_from", "completed_to", "county", "station"]
    DEFAULT_ROWS, DEFAULT_COLS = "age_band", "sex"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["rows"] = data.get("rows") or self.DEFAULT_ROWS
        data["cols"] = data.get("cols") or (self.DEFAULT_COLS if data["rows"] != self.DEFAULT_COLS else "category")
        if data["rows"] == data["cols"]:
            self.add_error("cols", _("行和列须是两个不同的分组。"))
        return data


class StatisticsPeopleParams(StatisticsFilterForm):
    """The people of a cell: the table's filters, a township, and one value per dimension."""

    township = params.TextParam(label=_("乡镇"), max_length=40)
    region = params.TextParam(label=_("区域"), max_length=40)
    page = params.PageParam(widget=forms.HiddenInput)

    def cell(self) -> dict[str, str]:
        """{dimension key: value code} of the dimensions given."""
        return {key: self.cleaned_data[key] for key in CELL_KEYS if self.cleaned_data.get(key)}


# one optional choice a dimension (the region's values depend on the level: a text of its code)
CELL_KEYS = [key for key in DIMENSIONS if key != "region"] + ["region"]
for _key, _dim in DIMENSIONS.items():
    if _key == "region":
        continue
    StatisticsPeopleParams.base_fields[_key] = forms.ChoiceField(
        label=_dim.label, required=False, choices=[("", "")] + [(c, lab) for c, lab in _dim.choices])
StatisticsPeopleParams.declared_fields = dict(StatisticsPeopleParams.base_fields)
