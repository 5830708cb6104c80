"""Admin: scoped lists; states change only through the services (the state fields are read only)."""

from django.contrib import admin

from nongzhuancheng.scoping import ScopedAdminMixin

from .models import GuaranteeCase, GuaranteeEvent, Retention, RetentionEvent


class RetentionEventInline(admin.TabularInline):
    model = RetentionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "on", "actor", "from_state", "to_state", "details", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class GuaranteeEventInline(RetentionEventInline):
    model = GuaranteeEvent


@admin.register(Retention)
class RetentionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "person", "kind", "state", "county", "opened_on", "changed_on", "transition_ends_on"]
    list_filter = ["kind", "state", "county"]
    search_fields = ["person__name", "certificate_no", "contract_no"]  # never an ID number in a URL
    raw_id_fields = ["person", "application"]
    readonly_fields = [
        "person", "application", "county", "station", "kind", "state", "opened_on", "changed_on",
        "transition_ends_on", "counterparty", "term_ends_on", "price", "contract_no", "compensation", "agreement_no",
        "area_mu", "certificate_no", "organisation", "share",
    ]
    inlines = [RetentionEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GuaranteeCase)
class GuaranteeCaseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "person", "kind", "state", "county", "requested_on", "delivered_on", "days_to_deliver"]
    list_filter = ["kind", "state", "county"]
    search_fields = ["person__name", "reference"]  # never an ID number in a URL
    raw_id_fields = ["person", "application"]
    readonly_fields = [
        "person", "application", "county", "station", "kind", "state", "opened_on", "requested_on", "started_on",
        "delivered_on", "refused_on", "days_to_deliver", "refusal_reason", "reference",
    ]
    inlines = [GuaranteeEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
