"""Input validation of the move forms; the services do the rest. The moves offered are the
users' moves of the models' WORKFLOW tables."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nongzhuancheng import params

from .models import GuaranteeCase, GuaranteeKind, Retention


def user_moves(workflow):
    """(name, label) of the moves of a table that a user makes (the system's have no action)."""
    return [(m.name, m.label) for m in workflow if m.action is not None]


class GuaranteeMoveForm(forms.Form):
    # no move is chosen before the user chooses one (a preselected 无需办理 would close the case)
    move = forms.ChoiceField(label=_("办理"), choices=[("", _("请选择"))] + user_moves(GuaranteeCase.WORKFLOW),
                             error_messages={"required": _("请选择办理事项。")})
    on = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # what was delivered: required to 落实 (services.guarantee_move)
    reference = forms.CharField(label=_("落实内容（落实时必填）"), max_length=120, required=False)
    # the table's note of a guarantee move (its note_label): the refusal's reason
    reason = forms.CharField(label=_("不予落实理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RetentionMoveForm(forms.Form):
    move = forms.ChoiceField(label=_("办理"), choices=user_moves(Retention.WORKFLOW))
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


class QueueParams(params.ParamsForm):
    """The query parameters of the work queue and its export."""

    kind = forms.ChoiceField(label=_("保障事项"), required=False,
                             choices=[("", "")] + list(GuaranteeKind.choices))
    format = params.FormatParam()
    page = params.PageParam()


class DeliveryParams(params.ParamsForm):
    """The query parameters of the delivery figures (page and API)."""

    as_of = params.DateParam(label=_("截至日期"))


class PageParams(params.ParamsForm):
    page = params.PageParam()

