"""Admin: targets with their revisions inline, documents and survey pools; import/export.

Only the city leadership group office edits (the policy's TARGET_EDIT); everyone else with admin
access reads what their scope shows."""

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from nongzhuancheng.scoping import TARGET_EDIT, ScopedAdminMixin, allows

from .models import ResponsibilityDocument, SurveyPool, Target, TargetRevision
from .resources import SurveyPoolResource, TargetRevisionResource


class EditorPermissions:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, *args):
        return allows(request.user, TARGET_EDIT)

    def has_change_permission(self, request, obj=None):
        return allows(request.user, TARGET_EDIT)

    def has_delete_permission(self, request, obj=None):
        return allows(request.user, TARGET_EDIT)

    def has_import_permission(self, request):
        return allows(request.user, TARGET_EDIT)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class TargetRevisionInline(EditorPermissions, admin.TabularInline):
    model = TargetRevision
    extra = 1
    fields = ("effective_on", "amount", "document_number", "note", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Target)
class TargetAdmin(EditorPermissions, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "level", "county", "member_unit", "current_amount")
    list_filter = ("year", "level", "county")
    inlines = [TargetRevisionInline]

    @admin.display(description="目标人数（最新）")
    def current_amount(self, obj):
        latest = obj.revisions.order_by("-effective_on").first()
        return latest.amount if latest else "—"


@admin.register(TargetRevision)
class TargetRevisionAdmin(EditorPermissions, ScopedAdminMixin, ImportExportModelAdmin):
    resource_classes = [TargetRevisionResource]
    list_display = ("target", "effective_on", "amount", "document_number")
    list_filter = ("target__year", "target__level")
    list_select_related = ("target", "target__county", "target__member_unit")


@admin.register(SurveyPool)
class SurveyPoolAdmin(EditorPermissions, ScopedAdminMixin, ImportExportModelAdmin):
    resource_classes = [SurveyPoolResource]
    list_display = ("survey_year", "county", "category", "eligible")
    list_filter = ("survey_year", "county", "category")


@admin.register(ResponsibilityDocument)
class ResponsibilityDocumentAdmin(EditorPermissions, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "county", "member_unit", "title", "signed_on", "scan")
    list_filter = ("year",)
