from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Household, Person
from households.reference import Category, Document
from nongzhuancheng import params
from nongzhuancheng.models import County, PoliceStation

from .models import Grievance, GuideEntry
from .selectors import ID_TAIL, normalise_id_tail, normalise_number


class LookupForm(forms.Form):
    number = forms.CharField(label=_("申请编号"), max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    id_tail = forms.CharField(
        label=_("任一转户成员身份证号码后6位"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "pattern": "[0-9]{5}[0-9Xx]",
                                      "autocapitalize": "characters"}),
    )

    def clean_number(self):
        return normalise_number(self.cleaned_data["number"])

    def clean_id_tail(self):
        tail = normalise_id_tail(self.cleaned_data["id_tail"])
        if not ID_TAIL.match(tail):
            raise forms.ValidationError(_("请填写身份证号码的最后6位（数字，最后一位可以是X）。"))
        return tail


class GrievanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Grievance.Kind.choices, initial=Grievance.Kind.CONSULTATION,
                             widget=forms.RadioSelect)
    county = forms.ModelChoiceField(label=_("县区"), queryset=County.objects.order_by("ordering", "code"),
                                    to_field_name="code", empty_label=_("请选择"))
    question = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    contact_phone = forms.CharField(label=_("联系电话（选填）"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    number = forms.CharField(label=_("申请编号（选填）"), max_length=40, required=False)
    id_tail = forms.CharField(label=_("身份证号码后6位（选填）"), max_length=6, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean(self):
        data = super().clean()
        number, tail = normalise_number(data.get("number", "")), normalise_id_tail(data.get("id_tail", ""))
        if bool(number) != bool(tail):
            raise forms.ValidationError(_("查询本户申请的答复需同时填写申请编号和身份证号码后6位，或两项都不填。"))
        data["number"], data["id_tail"] = number, tail
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))


class PreferenceForm(forms.Form):
    opted_out = forms.BooleanField(label=_("申请人不接收短信通知"), required=False)
    phone = forms.CharField(label=_("接收通知的电话"), max_length=20, required=False,
                            help_text=_("留空则发给户主（或第一位留有电话的成员）"))


class GuideEntryForm(forms.ModelForm):
    reason = forms.CharField(label=_("修改说明"), max_length=100, required=False)

    class Meta:
        model = GuideEntry
        fields = ["title", "body", "proof", "ordering", "published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}), "proof": forms.Textarea(attrs={"rows": 2})}


def _field(model, name, **kwargs):
    return model._meta.get_field(name).formfield(**kwargs)


class StationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.county.name} · {obj.name}"


class PrefillHouseholdForm(forms.Form):
    station = StationChoiceField(label=_("到哪个派出所办理"), to_field_name="code", empty_label=_("请选择"),
                                 queryset=PoliceStation.objects.select_related("county").order_by("county__ordering", "code"))
    number = _field(Household, "number", help_text=_("户口簿首页上的户号"))
    kind = _field(Household, "kind")
    head_name = _field(Household, "head_name")
    township = _field(Household, "township")
    village = _field(Household, "village")
    address = _field(Household, "address")


class PrefillMemberForm(forms.Form):
    name = _field(Person, "name")
    id_number = forms.CharField(label=_("公民身份号码"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    relation = _field(Person, "relation")
    ethnicity = _field(Person, "ethnicity")
    category = forms.ChoiceField(label=_("转户类别"), choices=[("", _("请选择"))] + list(Category.choices))
    phone = _field(Person, "phone", help_text=_("用于接收办理进度短信，可不填"))
    destination_address = _field(Person, "destination_address")


PrefillMemberFormSet = forms.formset_factory(PrefillMemberForm, extra=3, min_num=1, validate_min=True, max_num=10,
                                             validate_max=True)


class PrefillReceiveForm(forms.Form):
    documents = forms.MultipleChoiceField(label=_("已核验材料"), choices=Document.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)


# The query parameters of the public and office pages -------------------------------------------

class StationsParams(params.ParamsForm):
    county = forms.CharField(label=_("县区"), required=False, max_length=6)
    q = params.TextParam(label=_("派出所名称"), max_length=20)


class LookupParams(params.ParamsForm):
    n = params.TextParam(label=_("申请编号"), max_length=40)


class GrievanceListParams(params.ParamsForm):
    show = forms.ChoiceField(label=_("显示"), required=False, choices=[
        ("", ""), ("open", "open"), ("overdue", "overdue"), ("answered", "answered"), ("all", "all")])


class PrefillFindParams(params.ParamsForm):
    code = params.TextParam(label=_("预填码"), max_length=20)
