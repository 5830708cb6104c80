"""The quality pages' forms: query parameters (declared, ``nongzhuancheng.params``) and decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nongzhuancheng import params
from nongzhuancheng.models import County

from .models import DuplicatePair
from .rules import RULES


class QueueParams(params.ParamsForm):
    """?rule=&county=&overridden=&page= of the data-quality queue."""

    rule = forms.ChoiceField(label=_("规则"), required=False, choices=[("", _("全部"))])
    county = forms.IntegerField(label=_("县区"), required=False, min_value=1, max_value=2**31 - 1)
    overridden = forms.BooleanField(label=_("已确认保留的"), required=False)
    page = params.PageParam()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("全部"))] + [(r.code, r.title) for r in RULES]


class DuplicateParams(params.ParamsForm):
    """?basis=&county=&page= of the duplicate queue."""

    basis = forms.ChoiceField(label=_("疑似依据"), required=False,
                              choices=[("", _("全部"))] + list(DuplicatePair.Basis.choices))
    county = forms.IntegerField(label=_("县区"), required=False, min_value=1, max_value=2**31 - 1)
    page = params.PageParam()


class OverrideForm(forms.Form):
    reason = forms.CharField(label=_("确认理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("认定"), choices=[("same", _("同一人")), ("distinct", _("不同人"))],
                                 widget=forms.RadioSelect)
    keep = forms.ChoiceField(label=_("保留的记录（另一条记录所在的申请将作为重复记录撤回）"), required=False,
                             widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (str(pair.person_a_id), _("甲：%(n)s（%(s)s）") % {"n": pair.person_a.name, "s": pair.station_a.name}),
            (str(pair.person_b_id), _("乙：%(n)s（%(s)s）") % {"n": pair.person_b.name, "s": pair.station_b.name}),
        ]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "same" and not data.get("keep"):
            self.add_error("keep", _("请选择保留哪一条记录。"))
        return data


def county_choices(user):
    return County.objects.for_user(user)
