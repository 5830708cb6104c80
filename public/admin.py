"""Admin of the public app: the guide with its revisions, the stations' desks, notices, lookups and
grievances (scoped like everything else; lookups and notices are read only)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from nongzhuancheng.scoping import PUBLIC_CONTENT_EDIT, ScopedAdminMixin, allows

from .caching import pages_changed
from .models import Grievance, GuideEntry, LookupLog, Notice, NoticePreference, StationDesk


class ReadOnlyMixin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GuideEntry)
class GuideEntryAdmin(SimpleHistoryAdmin):
    list_display = ["title", "section", "key", "ordering", "published", "updated_at"]
    list_filter = ["section", "published"]
    search_fields = ["title", "body", "key"]
    readonly_fields = ["key", "section"]

    def has_change_permission(self, request, obj=None):
        return allows(request.user, PUBLIC_CONTENT_EDIT) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False  # entries are named by the code that shows them (seeded by a migration)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        pages_changed()


@admin.register(StationDesk)
class StationDeskAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["station", "address", "opening_hours"]
    search_fields = ["station__name", "address"]
    list_select_related = ["station__county"]
    autocomplete_fields = []


@admin.register(Notice)
class NoticeAdmin(ScopedAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    need_to_know = "person"  # scoping.ScopedAdminMixin: no pages for a member unit
    list_display = ["application", "kind", "recipient", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["kind", "state"]
    search_fields = ["application__number"]
    list_select_related = ["application"]


@admin.register(NoticePreference)
class NoticePreferenceAdmin(ScopedAdminMixin, ReadOnlyMixin, SimpleHistoryAdmin):
    need_to_know = "person"  # scoping.ScopedAdminMixin: no pages for a member unit
    list_display = ["application", "opted_out", "phone", "recorded_by", "recorded_at"]
    list_select_related = ["application", "recorded_by"]


@admin.register(LookupLog)
class LookupLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "number_tried", "result", "address_hash"]
    list_filter = ["result"]
    search_fields = ["number_tried", "address_hash"]
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Grievance)
class GrievanceAdmin(ScopedAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    need_to_know = "person"  # scoping.ScopedAdminMixin: no pages for a member unit
    list_display = ["reference", "kind", "county", "state", "due_on", "submitted_at", "answered_at"]
    list_filter = ["kind", "state", "county"]
    search_fields = ["reference", "application__number"]
    list_select_related = ["county", "application"]
