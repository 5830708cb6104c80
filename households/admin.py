"""Admin of households, people and applications: scoped, with history, and every status move or
correction through households.services (status itself is read-only here)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from nongzhuancheng.scoping import ScopedAdminMixin

from . import services
from .models import ApplicationEvent, Household, Person, TransferApplication


def _errors(exc):
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or gettext("不在本辖区内或无权限。")


class ServiceFormMixin:
    """Model forms whose ``save`` does not write: ``save_model`` hands the changes to a service."""

    service_fields = ()

    def changes(self, form):
        return {f: form.cleaned_data[f] for f in form.changed_data if f in self.service_fields}


@admin.register(Household)
class HouseholdAdmin(ScopedAdminMixin, ServiceFormMixin, SimpleHistoryAdmin):
    need_to_know = "household"  # scoping.ScopedAdminMixin: no pages for a member unit
    list_display = ["number", "head_name", "kind", "county", "station", "township", "village", "updated_at"]
    list_filter = ["kind", "income_source", "county"]
    search_fields = ["number", "head_name", "address"]
    list_select_related = ["county", "station__county"]
    fields = ["number", "kind", "head_name", "township", "village", "address", "annual_income", "income_source",
              "county", "station", "created_at"]
    readonly_fields = ["county", "station", "created_at"]
    service_fields = services.HOUSEHOLD_FIELDS

    def has_add_permission(self, request):
        return False  # households are entered with their application (the green-channel form)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            services.household_update(household=obj, actor=request.user, **self.changes(form))
        except (ValidationError, PermissionDenied, ObjectDoesNotExist) as exc:
            messages.error(request, _errors(exc))


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = services.PERSON_FIELDS

    def clean(self):
        data = super().clean()
        if {"id_number", "sex", "birth_date"} & set(self.changed_data) and data.get("id_number"):
            try:
                rid = services.person_check_identity(
                    id_number=data["id_number"], sex=data.get("sex"), birth_date=data.get("birth_date")
                )
            except ValidationError as exc:
                raise ValidationError(exc.message_dict) from None
            data["id_number"] = rid.number
        return data


@admin.register(Person)
class PersonAdmin(ScopedAdminMixin, ServiceFormMixin, SimpleHistoryAdmin):
    need_to_know = "person"  # scoping.ScopedAdminMixin: no pages for a member unit
    form = PersonAdminForm
    list_display = ["name", "masked_id", "sex", "birth_date", "category", "county", "station", "completed_on", "holds_claim"]
    list_filter = ["category", "county", "holds_claim", "ethnicity", "employment"]
    search_fields = ["name"]  # never an ID number in a URL (the list page's POST search finds one)
    list_select_related = ["county", "station__county"]
    readonly_fields = ["application", "household", "county", "station", "holds_claim", "completed_on"]
    service_fields = services.PERSON_FIELDS

    @admin.display(description=_("公民身份号码"))
    def masked_id(self, obj):
        return obj.masked_id

    def get_fields(self, request, obj=None):
        return [*services.PERSON_FIELDS, *self.readonly_fields]

    def has_add_permission(self, request):
        return False  # people are entered with their application

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            services.person_update(person=obj, actor=request.user, **self.changes(form))
        except (ValidationError, PermissionDenied, ObjectDoesNotExist) as exc:
            messages.error(request, _errors(exc))


class MemberInline(admin.TabularInline):
    model = Person
    fields = ["name", "masked_id", "sex", "birth_date", "relation", "category", "holds_claim", "completed_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=_("公民身份号码"))
    def masked_id(self, obj):
        return obj.masked_id

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = ["at", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _note_label():
    """说明（…时必填）, naming the moves of the table that require a note."""
    needing = "、".join(str(m.label) for m in TransferApplication.WORKFLOW if m.note_required)
    return gettext("说明（%(moves)s时必填）") % {"moves": needing}


class MoveActionForm(ActionForm):
    note = forms.CharField(label=lazy(_note_label, str)(), required=False)


def _move_action(name, label):
    def run(modeladmin, request, queryset):
        note = request.POST.get("note", "")
        done, failed = 0, []
        for app in queryset:
            try:
                services.application_move(application=app, move=name, actor=request.user, note=note)
                done += 1
            except (ValidationError, PermissionDenied, ObjectDoesNotExist) as exc:
                failed.append(f"{app}：{_errors(exc)}")
        if done:
            messages.success(request, gettext("%(label)s：%(n)d 件。") % {"label": label, "n": done})
        for line in failed:
            messages.error(request, line)

    run.__name__ = f"move_{name}"
    return admin.action(description=label)(run)


@admin.register(TransferApplication)
class TransferApplicationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    need_to_know = "application"  # scoping.ScopedAdminMixin: no pages for a member unit
    list_display = ["number", "household", "status", "county", "station", "received_on", "due_on", "completed_on"]
    list_filter = ["status", "county", "received_on"]
    search_fields = ["number", "household__head_name"]  # never an ID number in a URL
    list_select_related = ["household", "county", "station__county"]
    date_hierarchy = "received_on"
    fields = [
        "number", "household", "status", "county", "station", "received_on", "due_on", "completed_on",
        "documents", "note", "created_by", "created_at",
    ]
    # status and everything the workflow owns are read-only: moves go through the actions below
    readonly_fields = [f for f in fields if f != "note"]
    inlines = [MemberInline, EventInline]
    action_form = MoveActionForm
    actions = [
        *(_move_action(move.name, move.label) for move in TransferApplication.WORKFLOW),
    ]

    def has_add_permission(self, request):
        return False  # applications are received through the green-channel form or the API

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    need_to_know = "application"  # scoping.ScopedAdminMixin: no pages for a member unit
    list_display = ["application", "at", "actor", "from_status", "to_status", "note"]
    list_filter = ["to_status"]
    list_select_related = ["application", "actor"]
    search_fields = ["application__number"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
