"""The admin: the city office sets assessment schemes here; records are scoped like the pages.

States are not edited here: assessment revisions and problems move only through the services."""

from django.contrib import admin

from nongzhuancheng.scoping import ScopedAdminMixin

from .models import (
    AssessmentScheme,
    Finding,
    FundingEntry,
    FundingProject,
    Inspection,
    Milestone,
    MilestoneDone,
    Problem,
    PublicityRecord,
    SchemeItem,
)


class SchemeItemInline(admin.TabularInline):
    model = SchemeItem
    extra = 0


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "group", "title", "document_number", "as_of", "reward_min", "pass_min", "criticism_min")
    list_filter = ("year", "group")
    inlines = [SchemeItemInline]


@admin.register(PublicityRecord)
class PublicityRecordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("held_on", "county", "member_unit", "media_campaigns", "onsite_events", "leaflets")
    list_filter = ("county", "member_unit")
    date_hierarchy = "held_on"
    exclude = ("created_by",)


class FundingEntryInline(admin.TabularInline):
    model = FundingEntry
    extra = 0


@admin.register(FundingProject)
class FundingProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "county", "member_unit", "kind", "name", "planned_amount", "planned_output")
    list_filter = ("year", "kind", "county")
    inlines = [FundingEntryInline]


@admin.register(Problem)
class ProblemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "county", "member_unit", "state", "raised_on", "due_on", "answered_on")
    list_filter = ("state", "county", "member_unit")
    readonly_fields = ("state", "raised_on", "due_on", "assigned_to", "answer", "answered_on", "closed_on",
                       "raised_by")

    def has_add_permission(self, request):
        return False  # raised through the page, so that the time limit and the event are written


@admin.register(Inspection)
class InspectionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("started_on", "kind", "title", "team")
    list_filter = ("kind",)
    exclude = ("created_by",)


@admin.register(Finding)
class FindingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("inspection", "county", "member_unit", "due_on", "state")
    list_filter = ("state", "county", "member_unit")
    readonly_fields = ("state", "report", "reported_on", "accepted_on")


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "order", "title", "due_on", "document_number")
    list_filter = ("year",)


@admin.register(MilestoneDone)
class MilestoneDoneAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("milestone", "county", "member_unit", "done_on")
    list_filter = ("milestone__year", "county", "member_unit")
