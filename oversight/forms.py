"""Input forms of the supervision pages (validation of what is typed; the services check the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nongzhuancheng import params
from nongzhuancheng.models import County, MemberUnit


class ScoreForm(forms.Form):
    score = forms.DecimalField(label=_("得分"), min_value=0, max_digits=5, decimal_places=2)
    comment = forms.CharField(label=_("评分说明"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("佐证材料（PDF、JPG、PNG，不超过 10 MB）"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("更正理由"), max_length=200)


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=120)
    description = forms.CharField(label=_("具体情况"), widget=forms.Textarea(attrs={"rows": 4}))


class ProblemMoveForm(NoteForm):
    assigned_to = forms.ModelChoiceField(label=_("承办成员单位"), queryset=MemberUnit.objects.all(), required=False)


class PublicityForm(forms.Form):
    """A day's publicity work. The city office names the county or unit; the others record their own."""

    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    media_campaigns = forms.IntegerField(label=_("媒体宣传（次）"), min_value=0, initial=0)
    onsite_events = forms.IntegerField(label=_("现场宣传活动（场次）"), min_value=0, initial=0)
    leaflets = forms.IntegerField(label=_("发放宣传资料（份）"), min_value=0, initial=0)
    description = forms.CharField(label=_("内容"), max_length=200, required=False)
    county = forms.ModelChoiceField(label=_("县区"), queryset=County.objects.all(), required=False)
    member_unit = forms.ModelChoiceField(label=_("成员单位"), queryset=MemberUnit.objects.all(), required=False)

    def __init__(self, *args, names_holder: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not names_holder:
            del self.fields["county"], self.fields["member_unit"]


class PeriodParams(params.ParamsForm):
    """?start=&end= of the publicity totals."""

    start = params.DateParam(label=_("起始日期"))
    end = params.DateParam(label=_("截止日期"))


class YearParams(params.ParamsForm):
    """?year=&as_of= of the funding totals and the timetable."""

    year = params.YearParam(label=_("年度"))
    as_of = params.DateParam(label=_("截至日期"))


class ProblemListParams(params.ParamsForm):
    """?show= of the problem list."""

    show = forms.ChoiceField(label=_("显示"), required=False,
                             choices=[("", ""), ("open", "open"), ("overdue", "overdue"), ("all", "all")])
