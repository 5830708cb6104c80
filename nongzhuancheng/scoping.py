"""Permission scoping, written once.

Every model a clerk, county officer or member unit can see has a manager built on
``ScopedQuerySet``. The model names the path from itself to its county and its station
(``scope_county`` / ``scope_station``); ``for_user(user)`` keeps only what the user may see.
Views, viewsets, admin, exports and services fetch through it, so an object outside the user's
scope answers 404 exactly like one that does not exist.

A model whose visibility depends on more than county and station (entitlement cases, which a
member unit sees by kind) defines a classmethod ``scope_for_user(queryset, user, assignment)``.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models

CLERK = "clerk"
COUNTY_OFFICER = "county_officer"
MEMBER_UNIT = "member_unit"
CITY_READER = "city_reader"
ADMIN = "admin"

WRITER_ROLES = {CLERK, COUNTY_OFFICER, ADMIN}
CITY_WIDE_ROLES = {CITY_READER, MEMBER_UNIT, ADMIN}


def assignment_of(user):
    """The user's StaffAssignment, or None. Cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_nzc_assignment"):
        from .models import StaffAssignment

        user._nzc_assignment = (
            StaffAssignment.objects.select_related("county", "station", "station__county", "member_unit").filter(user=user).first()
        )
    return user._nzc_assignment


def role_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ADMIN
    assignment = assignment_of(user)
    return assignment.role if assignment else None


def can_write(user):
    """Whether the user's role may change households and applications at all (scope aside)."""
    return role_of(user) in WRITER_ROLES


def can_see_full_id(user):
    """Roles that may see whole resident ID numbers on detail pages and in exports."""
    return role_of(user) in {CLERK, COUNTY_OFFICER, ADMIN}


def require_writer(user):
    if not can_write(user):
        raise PermissionDenied("read-only role")


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        assignment = assignment_of(user)
        if assignment is None:
            return self.none()
        hook = getattr(self.model, "scope_for_user", None)
        if hook is not None:
            return hook(self, user, assignment)
        return self.scope_by_place(assignment)

    def scope_by_place(self, assignment):
        county_path = getattr(self.model, "scope_county", None)
        station_path = getattr(self.model, "scope_station", None)
        role = assignment.role
        if role in CITY_WIDE_ROLES:
            return self.all()
        if role == CLERK:
            if station_path:
                return self.filter(**{station_path: assignment.station_id})
            if county_path:
                return self.filter(**{county_path: assignment.county_id})
            return self.none()
        if role == COUNTY_OFFICER and county_path:
            return self.filter(**{county_path: assignment.county_id})
        return self.none()


class ScopedViewMixin(LoginRequiredMixin):
    """For Django class-based views: the queryset is always ``for_user``."""

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.for_user(self.request.user)


class ScopedViewSetMixin:
    """For DRF viewsets: the queryset is always ``for_user``."""

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


class ScopedAdminMixin:
    """For ModelAdmin classes: the admin list and change pages are scoped too."""

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


class ScopeExemptMixin(LoginRequiredMixin):
    """Marks a view that shows no scoped model rows by itself (e.g. a form page that posts to a
    service, or a page built only from scoped selectors). The URL walk test accepts it."""

    scope_exempt = True


def scoped_view(view):
    """Marks a function view that fetches every row through ``for_user`` (or a scoped selector).

    Use it on function views (including DRF ``@api_view`` ones, as the outermost decorator); class-based
    views use ScopedViewMixin / ScopedViewSetMixin instead. The URL walk test accepts a marked view. It
    does not check sign-in: combine it with ``login_required`` (pages) or DRF's permissions (API).
    """
    view.scoped = True
    return view


def scope_exempt(view):
    """Marks a function view that shows no scoped model rows by itself (the function-view twin of
    ScopeExemptMixin). Combine it with ``login_required``; the URL walk test accepts a marked view."""
    view.scope_exempt = True
    return view
