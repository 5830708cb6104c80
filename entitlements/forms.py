"""Input validation of the move forms; the services do the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GuaranteeCase, Retention


class GuaranteeMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("变为"), choices=GuaranteeCase.State.choices)
    on = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("落实内容"), max_length=120, required=False)
    reason = forms.CharField(label=_("不予落实理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RetentionMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("变为"), choices=Retention.State.choices)
    on = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    counterparty = forms.CharField(label=_("流转受让方"), max_length=80, required=False)
    term_ends_on = forms.DateField(label=_("流转期限至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    price = forms.DecimalField(label=_("流转价款（元）"), required=False, min_value=0)
    contract_no = forms.CharField(label=_("流转合同编号"), max_length=40, required=False)
    compensation = forms.DecimalField(label=_("补偿金额（元）"), required=False, min_value=0)
    agreement_no = forms.CharField(label=_("退出协议编号"), max_length=40, required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RetentionRecordForm(forms.Form):
    area_mu = forms.DecimalField(label=_("面积（亩）"), required=False, min_value=0)
    certificate_no = forms.CharField(label=_("证书编号"), max_length=40, required=False)
    organisation = forms.CharField(label=_("集体经济组织"), max_length=80, required=False)
    share = forms.DecimalField(label=_("股份（份）"), required=False, min_value=0)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
