from django.contrib import admin

from nongzhuancheng.scoping import ScopedAdminMixin

from .models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: bulletins are made by the service, and an issued one never changes."""

    list_display = ["title", "year", "month", "part", "scope", "revision", "state", "issued_at", "pdf_size"]
    list_filter = ["year", "state", "scope"]
    readonly_fields = [f.name for f in Bulletin._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
