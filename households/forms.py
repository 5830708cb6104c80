"""Forms of the green-channel pages. They check what the clerk typed; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from nongzhuancheng import params
from nongzhuancheng.models import County, PoliceStation

from . import services
from .approval_models import CorrectionRequest
from .models import Household, Person, TransferApplication
from .reference import Category, Document, Sex
from .selectors import APPLICATION_SORTS, OVERDUE_SORTS, station_of

HOUSEHOLD_FIELDS = services.HOUSEHOLD_FIELDS
MEMBER_FIELDS = services.PERSON_FIELDS


class QuickSelect(forms.Select):
    """A single select built in Python: the widget templates cost ~0.15 ms an option, and a city-wide
    user's station list has 190 of them on every list page."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((v, mark_safe(" selected") if str(v) in selected else "", label) for v, label in self.choices),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


def _model_field(model, name, **kwargs):
    return model._meta.get_field(name).formfield(**kwargs)


class HouseholdForm(forms.Form):
    """户: the household as its register shows it; a clerk's station is fixed, others choose it."""

    station = forms.ModelChoiceField(queryset=PoliceStation.objects.none(), label=_("受理派出所"), widget=QuickSelect)
    number = _model_field(Household, "number")
    kind = _model_field(Household, "kind")
    head_name = _model_field(Household, "head_name")
    township = _model_field(Household, "township")
    village = _model_field(Household, "village")
    address = _model_field(Household, "address")
    annual_income = _model_field(Household, "annual_income", min_value=0)
    income_source = _model_field(Household, "income_source")

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if station_of(user) is not None:  # a clerk receives for their own station
            del self.fields["station"]
        else:
            self.fields["station"].queryset = PoliceStation.objects.for_user(user).select_related("county")
        self.fields["number"].widget.attrs.update(autofocus=True, autocomplete="off")
        self.fields["annual_income"].widget.attrs.update(inputmode="decimal", autocomplete="off")

    def household_data(self):
        return {name: self.cleaned_data[name] for name in HOUSEHOLD_FIELDS}


class MemberForm(forms.Form):
    """One member who transfers. Sex and birth date may be left blank: the ID number gives them."""

    name = _model_field(Person, "name")
    id_number = forms.CharField(
        label=_("公民身份号码"), max_length=40,
        widget=forms.TextInput(attrs={"class": "id-number", "autocomplete": "off", "spellcheck": "false"}),
    )
    sex = forms.ChoiceField(label=_("性别"), choices=[("", _("（按身份号码）"))] + list(Sex.choices), required=False)
    birth_date = forms.DateField(
        label=_("出生日期"), required=False, input_formats=["%Y-%m-%d", "%Y%m%d"],
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "autocomplete": "off"}),
    )
    ethnicity = _model_field(Person, "ethnicity")
    education = _model_field(Person, "education")
    marital_status = _model_field(Person, "marital_status")
    relation = _model_field(Person, "relation")
    phone = _model_field(Person, "phone")
    occupation = _model_field(Person, "occupation")
    employment = _model_field(Person, "employment")
    category = _model_field(Person, "category")
    destination_address = _model_field(Person, "destination_address")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # No preselected relation: a blank added member must stay "unchanged" and be skipped.
        self.fields["relation"].initial = None
        self.fields["relation"].choices = [("", "---------")] + list(
            c for c in self.fields["relation"].choices if c[0]
        )
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["ethnicity"].widget = QuickSelect(choices=self.fields["ethnicity"].choices)  # 58 options

    def clean(self):
        data = super().clean()
        raw = data.get("id_number")
        if raw:
            try:
                rid = services.person_check_identity(
                    id_number=raw, sex=data.get("sex") or None, birth_date=data.get("birth_date") or None
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
            else:
                data["id_number"], data["sex"], data["birth_date"] = rid.number, rid.sex, rid.birth_date
        return data

    def member_data(self):
        return {name: self.cleaned_data.get(name) for name in MEMBER_FIELDS}


class BaseMemberFormSet(forms.BaseFormSet):
    def member_forms(self):
        """The forms that hold a member (blank added rows are skipped)."""
        return [f for f in self.forms if f.has_changed() or not f.empty_permitted]


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=0, min_num=1, validate_min=True, max_num=30, validate_max=True
)


class DocumentsForm(forms.Form):
    """The documents checklist (材料核验)."""

    documents = forms.MultipleChoiceField(
        label=_("已核验材料"), choices=Document.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class EntryOverrideForm(forms.Form):
    """Why the data-quality warnings of an entry may stand (asked only when there are warnings)."""

    reason = forms.CharField(label=_("确认理由"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _county_choices(user):
    return County.objects.for_user(user)


class IdSearchForm(forms.Form):
    """Search by a whole resident ID number, sent in a POST body (never in a URL)."""

    id_number = forms.CharField(label=_("公民身份号码"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("完整的身份号码")}))

    def clean_id_number(self):
        from .ids import parse

        return parse(self.cleaned_data["id_number"]).number


class ApplicationFilterForm(forms.Form):
    """The GET parameters of selectors.application_list, and the sort: the list page and its exports
    read them through this one form (the list adds its page, the exports their format)."""

    q = params.TextParam(
        label=_("姓名或申请编号"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "placeholder": _("姓名、户主或申请编号")}),
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + list(TransferApplication.Status.choices)
    )
    # Plain choices read once (a ModelChoiceField queries again on every render, through a server-side
    # cursor on PostgreSQL); the scoped lists are what the user may choose from.
    county = forms.ChoiceField(label=_("县区"), required=False)
    station = forms.ChoiceField(label=_("派出所"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(label=_("转户类别"), required=False, choices=[("", _("全部"))] + list(Category.choices))
    received_from = params.DateParam(label=_("受理日期自"), widget=forms.DateInput(attrs={"type": "date"}))
    received_to = params.DateParam(label=_("至"), widget=forms.DateInput(attrs={"type": "date"}))
    completed_from = params.DateParam(label=_("办结日期自"), widget=forms.DateInput(attrs={"type": "date"}))
    completed_to = params.DateParam(label=_("至"), widget=forms.DateInput(attrs={"type": "date"}))
    sort = params.SortParam(keys=APPLICATION_SORTS)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if station_of(user) is not None:  # a clerk's list is their station's: nothing to choose
            del self.fields["county"]
            del self.fields["station"]
            return
        everything = [("", _("全部"))]
        self.fields["county"].choices = everything + [(str(c.pk), c.name) for c in _county_choices(user)]
        stations = PoliceStation.objects.for_user(user).select_related("county")
        self.fields["station"].choices = everything + [(str(s.pk), str(s)) for s in stations]

    def filters(self):
        """Valid filters as the selector takes them (ids and ISO dates); invalid ones are dropped
        (the page shows them beside their field and answers 400; an export refuses them)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        out = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            out[name] = value.pk if hasattr(value, "pk") else value.isoformat() if hasattr(value, "isoformat") else value
        return out


class ApplicationListParams(ApplicationFilterForm):
    """The list page's filters plus its page (a number, or a keyset cursor beyond the numbered pages)."""

    page = params.PageParam(widget=forms.HiddenInput)
    after = params.CursorParam()


class OverdueParams(params.ParamsForm):
    """Every query parameter of the overdue list and of its export: where, which, order, page, format."""

    SHOW = (("", _("超期未办结")), ("returned", _("退回补正（等待申请人）")))

    show = forms.ChoiceField(label=_("显示"), required=False, choices=SHOW)
    county = forms.ChoiceField(label=_("县区"), required=False)
    station = forms.ChoiceField(label=_("派出所"), required=False, widget=QuickSelect)
    sort = params.SortParam(keys=OVERDUE_SORTS)
    page = params.PageParam(widget=forms.HiddenInput)
    after = params.CursorParam()
    format = params.FormatParam()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if station_of(user) is not None:
            del self.fields["county"]
            del self.fields["station"]
            return
        everything = [("", _("全部"))]
        self.fields["county"].choices = everything + [(str(c.pk), c.name) for c in _county_choices(user)]
        stations = PoliceStation.objects.for_user(user).select_related("county")
        self.fields["station"].choices = everything + [(str(s.pk), str(s)) for s in stations]


class ApplicationExportParams(ApplicationFilterForm):
    """The list page's filters plus the format: every query parameter of the exports."""

    format = params.FormatParam(choices=[("xlsx", "xlsx"), ("csv", "csv")])


class IdCheckParams(params.ParamsForm):
    """?id_number= of the live ID check."""

    id_number = params.TextParam(label=_("公民身份号码"), max_length=40)


class HouseholdLookupParams(params.ParamsForm):
    """?number=&station= of the household look-up."""

    number = params.TextParam(label=_("户号"), max_length=40)
    station = forms.IntegerField(label=_("派出所"), required=False, min_value=1, max_value=2**31 - 1)


class PersonListParams(params.ParamsForm):
    """The query parameters of the people list: the figures' windows (completion dates), their county,
    station and category, as the progress pages link to it."""

    county = forms.IntegerField(label=_("县区"), required=False, min_value=1, max_value=2**31 - 1)
    station = forms.IntegerField(label=_("派出所"), required=False, min_value=1, max_value=2**31 - 1)
    category = forms.ChoiceField(label=_("转户类别"), required=False, choices=[("", _("全部"))] + list(Category.choices))
    completed_from = params.DateParam(label=_("办结日期自"))
    completed_to = params.DateParam(label=_("至"))
    page = params.PageParam()


class PageParams(params.ParamsForm):
    """?page= of a list without filters."""

    page = params.PageParam()


# Corrections ---------------------------------------------------------------------------------------

class NoEchoInput(forms.TextInput):
    """A text box that never writes its value back into the page (a typed ID number stays out of it)."""

    def format_value(self, value):
        return None


def _correction_fields(model, names):
    """Form fields of the editable fields (``services.HOUSEHOLD_FIELDS`` / ``PERSON_FIELDS``): a field
    added to those lists is offered by the correction form too."""
    fields = forms.fields_for_model(model, fields=names)
    for field in fields.values():
        field.required = False  # the model's own rules, which the service checks, refuse an empty required one
    if "id_number" in fields:
        fields["id_number"] = forms.CharField(
            label=_("新的公民身份号码"), required=False, max_length=30, widget=NoEchoInput(attrs={"autocomplete": "off"}),
            help_text=_("仅在更正身份号码时填写完整的新号码；留空则不变。"),
        )
    return fields


class HouseholdCorrectionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_correction_fields(Household, services.HOUSEHOLD_FIELDS))

    def typed(self):
        """What the form holds (a blank new ID number: unchanged); the service keeps what differs."""
        return {k: v for k, v in self.cleaned_data.items() if k != "id_number" or v}


class PersonCorrectionForm(forms.Form):
    def __init__(self, *args, person=None, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)
        self.fields.update(_correction_fields(Person, services.PERSON_FIELDS))

    def typed(self):
        """What the form holds (a blank new ID number: unchanged); the service keeps what differs."""
        return {k: v for k, v in self.cleaned_data.items() if k != "id_number" or v}


class CorrectionMetaForm(forms.Form):
    completed_on = forms.DateField(label=_("办结日期"), required=False)
    reason = forms.CharField(label=_("更正理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("证明材料（PDF、JPEG 或 PNG）"), required=False)


def correction_forms(app, data=None, files=None):
    """(household form, [member forms], meta form) of the correction page, the records' values as
    initial values (never the whole ID number)."""
    hh = app.household
    household = HouseholdCorrectionForm(data, prefix="household",
                                        initial={f: getattr(hh, f) for f in services.HOUSEHOLD_FIELDS})
    members = [
        PersonCorrectionForm(data, prefix=f"p{p.pk}", person=p,
                             initial={f: getattr(p, f) for f in services.PERSON_FIELDS if f != "id_number"})
        for p in app.members.order_by("id")
    ]
    meta = CorrectionMetaForm(data, files, prefix="c", initial={"completed_on": app.completed_on})
    return household, members, meta


class CorrectionListParams(params.ParamsForm):
    """Query parameters of the correction list."""

    state = forms.ChoiceField(choices=[("", "")] + list(CorrectionRequest.State.choices), required=False,
                              label=_("状态"))
    page = params.PageParam()
