"""Admin for the organisation core: counties, police stations, member units, and users with their posts.

Who may do what here:
- administrators (superusers, or users given the model permissions) edit everything and import stations;
- any staff user with a post (county officer, city reader, …) reads the reference data, scoped like
  the rest of the site: a county officer sees only the stations of their own county;
- a county officer may also correct the consultation phone number of their own county's stations
  (the numbers are published to the public), and nothing else: the policy's STATION_EDIT_PHONE
  action, on the stations ``for_user(user, STATION_EDIT_PHONE)`` gives.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget

from .models import AccessEvent, County, MemberUnit, PoliceStation, StaffAssignment
from .scoping import STATION_EDIT_PHONE, ScopedAdminMixin, allows, assignment_of

admin.site.site_header = _("农转城业务管理")
admin.site.site_title = _("农转城业务管理")
admin.site.index_title = _("基础数据与用户")


def has_post(request):
    """A staff user with a StaffAssignment (any role) may read the reference data."""
    return request.user.is_active and request.user.is_staff and assignment_of(request.user) is not None


class ReferenceReadableMixin:
    """Reading needs a post or the view permission; writing needs the model permissions as usual."""

    def has_module_permission(self, request):
        return super().has_module_permission(request) or has_post(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or has_post(request)


@admin.register(County)
class CountyAdmin(ReferenceReadableMixin, admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "population_2020", "host_office", "station_count", "old_codes")
    list_filter = ("host_office",)
    search_fields = ("code", "name", "name_en", "old_codes")
    ordering = ("ordering", "code")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_station_count=Count("stations"))

    @admin.display(description=_("派出所数"), ordering="_station_count")
    def station_count(self, obj):
        return obj._station_count


class PoliceStationResource(resources.ModelResource):
    """Stations in and out as spreadsheets; the county is given by its GB/T 2260 code."""

    county = fields.Field(attribute="county", column_name="county", widget=ForeignKeyWidget(County, field="code"))

    class Meta:
        model = PoliceStation
        fields = ("code", "county", "name", "phone")
        export_order = ("code", "county", "name", "phone")
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


@admin.register(PoliceStation)
class PoliceStationAdmin(ScopedAdminMixin, ReferenceReadableMixin, ImportExportModelAdmin):
    resource_classes = [PoliceStationResource]
    list_display = ("code", "name", "county", "phone")
    list_filter = ("county",)
    list_select_related = ("county",)
    search_fields = ("code", "name", "county__name")
    ordering = ("county__ordering", "code")

    def _may_edit_phone(self, request, obj):
        """The policy's STATION_EDIT_PHONE, on a station in the user's scope for that action."""
        if not allows(request.user, STATION_EDIT_PHONE):
            return False
        stations = PoliceStation.objects.for_user(request.user, STATION_EDIT_PHONE)
        return obj is None or stations.filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._may_edit_phone(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return ()
        return ("code", "county", "name")

    def has_import_permission(self, request):
        return request.user.has_perms(["nongzhuancheng.add_policestation", "nongzhuancheng.change_policestation"])

    def has_export_permission(self, request):
        return self.has_view_permission(request)


@admin.register(MemberUnit)
class MemberUnitAdmin(ReferenceReadableMixin, admin.ModelAdmin):
    list_display = ("code", "name", "domain", "linked")
    list_filter = ("domain",)
    search_fields = ("code", "name")
    filter_horizontal = ("linked_counties",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("linked_counties")

    @admin.display(description=_("挂钩县区"))
    def linked(self, obj):
        return "、".join(county.name for county in obj.linked_counties.all())


class StaffAssignmentInline(admin.StackedInline):
    model = StaffAssignment
    can_delete = True
    max_num = 1
    extra = 1
    autocomplete_fields = ("station",)
    fields = ("role", "county", "station", "member_unit")
    verbose_name = _("岗位")
    verbose_name_plural = _("岗位")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The standard user admin with the user's post (role and place) edited on the same page."""

    inlines = [StaffAssignmentInline]
    list_display = ("username", "first_name", "role", "place", "is_staff", "is_active", "last_login")
    list_filter = ("assignment__role", "assignment__county", "is_staff", "is_superuser", "is_active")
    list_select_related = ("assignment__county", "assignment__station__county", "assignment__member_unit")
    search_fields = ("username", "first_name", "last_name", "email", "assignment__station__name")

    @admin.display(description=_("角色"), ordering="assignment__role")
    def role(self, obj):
        assignment = getattr(obj, "assignment", None)
        return assignment.get_role_display() if assignment else "—"

    @admin.display(description=_("单位"))
    def place(self, obj):
        assignment = getattr(obj, "assignment", None)
        if assignment is None:
            return "—"
        return assignment.station or assignment.member_unit or assignment.county or "—"


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The access log, read-only: no add, change or delete, for anyone."""

    list_display = ("at", "kind", "username", "role", "person_id", "subject", "address")
    list_filter = ("kind", "role")
    search_fields = ("username", "subject")
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
