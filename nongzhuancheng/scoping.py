"""Who may see what and who may do what, written once.

Three questions, one module:

* **What may this user see?** Every model a clerk, county officer or member unit can see has a
  manager built on ``ScopedQuerySet``. The model names the path from itself to its county and its
  station (``scope_county`` / ``scope_station``); ``for_user(user)`` keeps only what the user may
  see. A model whose visibility depends on more than place (entitlement cases, which a member unit
  sees by kind) defines a classmethod ``scope_for_user(queryset, user, assignment)``.
* **What may this user do?** ``POLICY`` is the one role × action table. ``allows(user, action)``
  answers it, ``require(user, action)`` raises PermissionDenied, and ``for_user(user, action)``
  keeps only the rows the user may act on (none at all when the role may not take the action) —
  the same call for reading and for writing, as NetBox's ``restrict(user, action)``.
* **Which of a row's fields may this user see?** ``visible_fields(user, model_name)`` answers it for
  a person, household or application from ``MEMBER_UNIT_FIELDS`` (a member unit sees what its cases
  need; places see everything). Pages (``nzc_fields``), API serializers and export columns ask it.

Views, viewsets, admin, exports and services fetch through ``for_user``, so an object outside the
user's scope answers 404 exactly like one that does not exist; a role that may not take an action
answers 403 (pages and API check ``allows`` before they fetch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _

from .roles import ADMIN, ALL, CITY_READER, CITY_WIDE, CLERK, COUNTY_OFFICER, MEMBER_UNIT

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import StaffAssignment

    User = AbstractBaseUser | AnonymousUser

V = TypeVar("V")


# The actions ---------------------------------------------------------------------------------

VIEW = "view"  # read what is in scope
APPLICATION_RECEIVE = "application.receive"  # 受理: enter a household's application
APPLICATION_MOVE = "application.move"  # 办结 / 退回补正 / 不予办理 / 撤回 / 重新受理
HOUSEHOLD_CHANGE = "household.change"  # correct a household's or a member's register data
CORRECTION_REQUEST = "correction.request"  # ask for a correction of a completed application (or withdraw it)
CORRECTION_DECIDE = "correction.decide"  # approve or refuse a requested correction (the county office)
COMPLETION_APPROVE = "completion.approve"  # approve a completion the county asks to approve, or send it back
APPROVAL_RULE_EDIT = "approval_rule.edit"  # set which categories of a county need the county's approval
IMPORT_RUN = "import.run"  # upload, check and import a spreadsheet
ID_VIEW_WHOLE = "id.view_whole"  # see a whole resident ID number (detail pages, exports)
ENTITLEMENT_WORK = "entitlement.work"  # move a guarantee case or a retention of one's own kind / county
TARGET_EDIT = "target.edit"  # set and revise annual targets, responsibility documents, survey pools
BULLETIN_REQUEST = "bulletin.request"  # ask for a county's bulletin (a preview or a re-issue)
BULLETIN_REQUEST_CITY = "bulletin.request_city"  # ask for the city bulletin
STATION_EDIT_PHONE = "station.edit_phone"  # correct a police station's enquiry phone number
ASSESSMENT_EDIT = "assessment.edit"  # set assessment schemes, score and review assessments (目标责任考核)
ASSESSMENT_PUBLISH = "assessment.publish"  # publish an assessment (it never changes afterwards)
OVERSIGHT_RECORD = "oversight.record"  # record publicity work and funding of one's own county or unit
PROBLEM_RAISE = "problem.raise"  # raise a problem with the city office (问题反馈), or reopen its answer
PROBLEM_ANSWER = "problem.answer"  # assign, answer and close the problems raised (the city office)
INSPECTION_EDIT = "inspection.edit"  # record inspections (督促检查), require and accept rectifications
PUBLIC_CONTENT_EDIT = "public.content_edit"  # edit the public service guide (policy, categories, documents)
GRIEVANCE_ANSWER = "grievance.answer"  # answer the public's questions and complaints (咨询投诉) of one's county
NOTICE_PREFERENCE = "notice.preference"  # record at the window whether an applicant wants text-message notices
ID_CLAIM_SEE = "id.claim_see"  # be told where and when a whole, valid ID number typed is already claimed
ID_EXPORT_WHOLE = "id.export_whole"  # export whole ID numbers (with a reason, logged)
ACCESS_LOG_VIEW = "access_log.view"  # read and export the access log (the city office)
VIEW_STATISTICS = "statistics.view"  # the statistics of the transferred (cross-tables) of one's place
OPS_VIEW = "ops.view"  # read the health report's details and the metrics (besides the ops token)
SECOND_FACTOR = "signin.second_factor"  # must confirm every sign-in with a one-time code (TOTP)
DUPLICATE_DECIDE = "quality.duplicate_decide"  # decide a probable duplicate (same person / different people)
QUALITY_OVERRIDE = "quality.override"  # let a data-quality warning stand, with a reason
QUALITY_VIEW = "quality.view"  # read the data-quality and duplicate queues of one's place


@dataclass(frozen=True)
class Grant:
    """The roles that hold an action; ``staff`` roles hold it only when the user is also staff."""

    roles: frozenset[str]
    staff: frozenset[str] = frozenset()
    refusal: Any = _("当前角色只能查看，不能办理。")


WRITERS = frozenset({CLERK, COUNTY_OFFICER, ADMIN})

# The one role × action table. Place and kind (which county, which station, which kind of case)
# are the managers' business; this table says only whether a role may take the action at all.
POLICY: dict[str, Grant] = {
    VIEW: Grant(ALL),
    APPLICATION_RECEIVE: Grant(WRITERS, refusal=_("当前角色只能查看，不能受理申请。")),
    APPLICATION_MOVE: Grant(WRITERS),
    HOUSEHOLD_CHANGE: Grant(WRITERS, refusal=_("当前角色只能查看。")),
    CORRECTION_REQUEST: Grant(WRITERS, refusal=_("当前角色不能申请更正。")),
    CORRECTION_DECIDE: Grant(frozenset({COUNTY_OFFICER, ADMIN}), refusal=_("只有县区办公室可以审核更正申请。")),
    COMPLETION_APPROVE: Grant(frozenset({COUNTY_OFFICER, ADMIN}), refusal=_("只有县区办公室可以审批办结。")),
    APPROVAL_RULE_EDIT: Grant(frozenset({COUNTY_OFFICER, ADMIN}), staff=frozenset({CITY_READER}),
                              refusal=_("只有县区办公室和市领导组办公室可以设定县级审批。")),
    IMPORT_RUN: Grant(WRITERS, refusal=_("当前角色不能导入数据。")),
    ID_VIEW_WHOLE: Grant(WRITERS),
    ENTITLEMENT_WORK: Grant(
        frozenset({MEMBER_UNIT, COUNTY_OFFICER, ADMIN}),
        refusal=_("只有责任成员单位和县区办公室可以办理此事项。"),
    ),
    TARGET_EDIT: Grant(frozenset({ADMIN}), staff=frozenset({CITY_READER}),
                       refusal=_("只有市领导组办公室可以设定目标任务。")),
    BULLETIN_REQUEST: Grant(frozenset({ADMIN, CITY_READER, COUNTY_OFFICER}),
                            refusal=_("不能申请该范围的旬报。")),
    BULLETIN_REQUEST_CITY: Grant(frozenset({ADMIN, CITY_READER}), refusal=_("不能申请该范围的旬报。")),
    STATION_EDIT_PHONE: Grant(frozenset({ADMIN}), staff=frozenset({COUNTY_OFFICER})),
    ASSESSMENT_EDIT: Grant(frozenset({ADMIN}), staff=frozenset({CITY_READER}),
                           refusal=_("只有市领导组办公室可以考核评分。")),
    ASSESSMENT_PUBLISH: Grant(frozenset({ADMIN}), staff=frozenset({CITY_READER}),
                              refusal=_("只有市领导组办公室可以公布考核结果。")),
    OVERSIGHT_RECORD: Grant(frozenset({COUNTY_OFFICER, MEMBER_UNIT, ADMIN}), staff=frozenset({CITY_READER}),
                            refusal=_("只有县区办公室、成员单位和市领导组办公室可以登记。")),
    PROBLEM_RAISE: Grant(frozenset({COUNTY_OFFICER, MEMBER_UNIT, ADMIN}),
                         refusal=_("只有县区办公室和成员单位可以反馈问题。")),
    PROBLEM_ANSWER: Grant(frozenset({ADMIN}), staff=frozenset({CITY_READER}),
                          refusal=_("只有市领导组办公室可以交办和答复问题。")),
    INSPECTION_EDIT: Grant(frozenset({ADMIN}), staff=frozenset({CITY_READER}),
                           refusal=_("只有市领导组办公室可以督促检查和验收整改。")),
    PUBLIC_CONTENT_EDIT: Grant(frozenset({ADMIN}), staff=frozenset({CITY_READER}),
                               refusal=_("只有市领导组办公室可以修改办事指南。")),
    GRIEVANCE_ANSWER: Grant(frozenset({COUNTY_OFFICER, ADMIN}), refusal=_("只有县区办公室可以答复咨询投诉。")),
    NOTICE_PREFERENCE: Grant(WRITERS),
    ID_CLAIM_SEE: Grant(frozenset({CLERK})),
    ID_EXPORT_WHOLE: Grant(frozenset({COUNTY_OFFICER, ADMIN}), refusal=_("当前角色不能导出完整身份号码。")),
    ACCESS_LOG_VIEW: Grant(frozenset({CITY_READER, ADMIN}), refusal=_("只有市领导组办公室可以查看访问记录。")),
    VIEW_STATISTICS: Grant(frozenset({CLERK, COUNTY_OFFICER, CITY_READER, ADMIN}),
                           refusal=_("成员单位不能查看转户人员统计。")),
    SECOND_FACTOR: Grant(frozenset({ADMIN, CITY_READER})),
    DUPLICATE_DECIDE: Grant(frozenset({COUNTY_OFFICER, ADMIN}), refusal=_("只有县区办公室可以认定重复记录。")),
    QUALITY_OVERRIDE: Grant(WRITERS, refusal=_("当前角色不能确认数据质量提示。")),
    QUALITY_VIEW: Grant(frozenset({CLERK, COUNTY_OFFICER, CITY_READER, ADMIN}),
                        refusal=_("当前角色不能查看数据质量队列。")),
    OPS_VIEW: Grant(frozenset({ADMIN}), staff=frozenset({CITY_READER}),
                    refusal=_("只有系统管理员可以查看运行状态。")),
}


# Who the user is ------------------------------------------------------------------------------

# the user's assignment as a ``select_related`` path from the user: the signed-in user is loaded with
# it (``auth.AssignmentModelBackend``, the API's token), so that a request asks the database once for
# who it is and where they work. Only the assignment: scoping reads its ids (county_id, station_id,
# member_unit_id); the county, station or unit itself is read when a page shows it (a join more for
# each in every request's query cost more to build than the one small query where it is shown).
ASSIGNMENT_PATHS = ("assignment",)


def assignment_of(user: User | None) -> StaffAssignment | None:
    """The user's StaffAssignment, or None. Cached on the user object (read with the user when it was
    loaded with ``ASSIGNMENT_PATHS``)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_nzc_assignment"):
        loaded = user._state.fields_cache  # type: ignore[union-attr]
        if "assignment" in loaded:  # read with the user (None: the user has none)
            user._nzc_assignment = loaded["assignment"]  # type: ignore[union-attr]
        else:  # by name: nongzhuancheng.models imports this module (ScopedQuerySet), not the other way
            StaffAssignment = apps.get_model("nongzhuancheng", "StaffAssignment")
            user._nzc_assignment = StaffAssignment.objects.filter(user_id=user.pk).first()  # type: ignore[union-attr,misc]
    return user._nzc_assignment  # type: ignore[union-attr]


def role_of(user: User | None) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False):
        return ADMIN
    assignment = assignment_of(user)
    return assignment.role if assignment else None


# What the user may do -------------------------------------------------------------------------

def allows(user: User | None, action: str) -> bool:
    """Whether the user's role may take ``action`` at all (scope aside)."""
    grant = POLICY[action]
    role = role_of(user)
    if role is None:
        return False
    if role in grant.roles:
        return True
    return role in grant.staff and bool(getattr(user, "is_staff", False))


def require(user: User | None, action: str, message: Any = None) -> None:
    """PermissionDenied (403) unless the user's role may take ``action``."""
    if not allows(user, action):
        raise PermissionDenied(message or POLICY[action].refusal)


def actions_of(user: User | None) -> set[str]:
    """Every action the user may take (templates ask ``"application.move" in nzc_actions``)."""
    return {action for action in POLICY if allows(user, action)}


# What the user may see ------------------------------------------------------------------------

class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: User | None, action: str = VIEW) -> ScopedQuerySet:
        """The rows the user may take ``action`` on: none unless the role may take it, then the
        rows of the user's place (or kind)."""
        if not allows(user, action):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self.all()
        assignment = assignment_of(user)
        if assignment is None:
            return self.none()
        hook = getattr(self.model, "scope_for_user", None)
        if hook is not None:
            return hook(self, user, assignment)
        return self.scope_by_place(assignment)

    def scope_by_place(self, assignment: StaffAssignment) -> ScopedQuerySet:
        place = _place_filter(assignment, self.model)
        return self.none() if place is None else self.filter(**place)


def _place_filter(assignment: StaffAssignment, model: type[models.Model]) -> dict[str, int | None] | None:
    """The filter of the assignment's place on ``model`` ({} for the whole city), or None (nothing)."""
    county_path = getattr(model, "scope_county", None)
    station_path = getattr(model, "scope_station", None)
    role = assignment.role
    if role in CITY_WIDE:
        return {}
    if role == CLERK:
        if station_path:
            return {station_path: assignment.station_id}
        if county_path:
            return {county_path: assignment.county_id}
        return None
    if role == COUNTY_OFFICER and county_path:
        return {county_path: assignment.county_id}
    return None


def place_filter(user: User | None, model: type[models.Model]) -> dict[str, int | None] | None:
    """The filter ``for_user`` applies for the user's place on ``model``: {} for the whole city,
    ``{"county": id}`` or ``{"station": id}``, None when the user sees none of it by place (no role,
    no assignment, or a member unit, which is scoped by kind). For narrowing a hand-written probe
    early; what is shown is still read through ``for_user``."""
    if getattr(user, "is_superuser", False):
        return {}
    assignment = assignment_of(user)
    if assignment is None or assignment.role == MEMBER_UNIT:
        return None
    return _place_filter(assignment, model)


# Views ----------------------------------------------------------------------------------------

class ActionRequiredMixin(LoginRequiredMixin):
    """A page for one action of the policy (``required_action``): 403 for a role without it."""

    required_action: str = VIEW
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            require(request.user, self.required_action)
        return super().dispatch(request, *args, **kwargs)


class ScopedObjectsMixin(ActionRequiredMixin):
    """A class-based view over a model: its queryset is always ``for_user(user, required_action)``."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().for_user(self.request.user, self.required_action)  # type: ignore[misc]


class ScopedSelectorsMixin(ActionRequiredMixin):
    """A page built only from selectors that are given the user (``quotas.selectors.*(user=...)``)
    or from querysets it fetches through ``for_user`` itself. The URL walk test accepts it."""

    scoped = True


class NoScopedRowsMixin(ActionRequiredMixin):
    """A page that shows no scoped rows by itself (a form that posts to a service, a redirect).
    The URL walk test accepts it."""

    shows_no_scoped_rows = True


class ScopedViewSetMixin:
    """For DRF viewsets: the queryset is always ``for_user(user, scope_action)``."""

    scope_action: str = VIEW
    request: Any

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().for_user(self.request.user, self.scope_action)  # type: ignore[misc]


class ScopedAdminMixin:
    """For ModelAdmin classes: the admin list and change pages are scoped too, and so are the
    history pages (simple-history's ``history_view`` / ``history_form_view`` look the object up
    by id without the admin's queryset): an object out of scope, or deleted, answers 404 there
    for everyone but an administrator."""

    # "person", "household" or "application": the admin shows whole rows of these (every field, and
    # the history of every field), so a user who may see only some of their fields (a member unit,
    # even one made staff) gets none of its pages; the site's own pages show it what it may see
    need_to_know: str | None = None

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).for_user(request.user)  # type: ignore[misc]

    def _fields_limited(self, request: HttpRequest) -> bool:
        return self.need_to_know is not None and visible_fields(request.user, self.need_to_know) is not None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return not self._fields_limited(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._fields_limited(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._fields_limited(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not self._fields_limited(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._fields_limited(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def _require_in_scope(self, request: HttpRequest, object_id: Any) -> None:
        from django.contrib.admin.utils import unquote
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if self._fields_limited(request):
            raise PermissionDenied
        if getattr(request.user, "is_superuser", False):
            return
        pk_name = self.model._meta.pk.attname  # type: ignore[attr-defined]
        if not self.get_queryset(request).filter(**{pk_name: unquote(str(object_id))}).exists():
            raise Http404

    def history_view(self, request: HttpRequest, object_id: Any, extra_context: Any = None) -> Any:
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def history_form_view(self, request: HttpRequest, object_id: Any, version_id: Any,
                          extra_context: Any = None) -> Any:
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]

    history_view.scoped = True  # type: ignore[attr-defined]  # the URL walk accepts them
    history_form_view.scoped = True  # type: ignore[attr-defined]


def scoped_view(view: V) -> V:
    """Marks a function view that fetches every row through ``for_user`` (or a scoped selector).

    Use it on function views (including DRF ``@api_view`` ones, as the outermost decorator);
    class-based views use the mixins above. The URL walk test accepts a marked view. It does not
    check sign-in: combine it with ``login_required`` (pages) or DRF's permissions (API).
    """
    view.scoped = True  # type: ignore[attr-defined]
    return view


def no_scoped_rows(view: V) -> V:
    """Marks a function view that shows no scoped rows by itself (the twin of NoScopedRowsMixin).
    Combine it with ``login_required``; the URL walk test accepts a marked view."""
    view.shows_no_scoped_rows = True  # type: ignore[attr-defined]
    return view


# Which fields the user may see ----------------------------------------------------------------
#
# Need-to-know has two halves: the rows (a member unit sees only the people who have a case of its
# kind: the managers above and ``households.models.NeedToKnowMixin``) and the fields of those rows,
# below. Places (clerk, county office, city office, administrator) work whole applications and see
# every field. A member unit sees what the cases of its domain need, and nothing else:
#
# * every unit: who the person is (name, masked ID number, sex, birth date for the age, transfer
#   category, completion date) and where the case is (county, station), the application's number,
#   status, dates and its events (the status of the transfer its case follows from);
# * housing (城镇住房): the household it houses (household number and head, township, village, old
#   address), the members' relation to the head and the town address they move to;
# * hrss (养老保险, 就业): occupation, employment status and education, which decide the pension scheme
#   and the employment help;
# * health (医疗保险): nothing more, enrolment needs who and where only;
# * education (教育): the town address the family moves to, which decides the school place;
# * family planning (原户籍地计划生育政策): marital status (the original domicile's policy depends on
#   it), besides sex and age;
# * land (承包地, 宅基地), forestry (林地林木), agriculture (集体分红): the household as its village knows
#   it (household number, kind and head, township, village; land also the old address, where the
#   homestead is) and the members' relation to the head.
#
# Nobody but places sees the household's annual income and income source, phones, the application's
# note and document checklist, ethnicity or who received the application: no case of any unit needs
# them. Derived keys follow their field (``sex_display`` follows ``sex``, ``income_band``
# ``annual_income``, ``birth_year`` ``birth_date``). Field names are plain strings: this module
# imports nothing from the apps.

PERSON, HOUSEHOLD, APPLICATION = "person", "household", "application"

_MEMBER_UNIT_BASE: dict[str, frozenset[str]] = {
    PERSON: frozenset({"id", "application", "household", "name", "id_number", "sex", "birth_date", "category",
                       "county", "station", "completed_on", "holds_claim"}),
    HOUSEHOLD: frozenset({"id", "county", "station"}),
    APPLICATION: frozenset({"id", "number", "status", "household", "county", "station", "received_on", "due_on",
                            "completed_on", "members", "events"}),
}
_VILLAGE_HOUSEHOLD = frozenset({"number", "kind", "head_name", "township", "village"})

MEMBER_UNIT_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    "housing": {PERSON: frozenset({"relation", "destination_address"}), HOUSEHOLD: _VILLAGE_HOUSEHOLD | {"address"}},
    "hrss": {PERSON: frozenset({"occupation", "employment", "education"})},
    "health": {},
    "education": {PERSON: frozenset({"destination_address"})},
    "family_planning": {PERSON: frozenset({"marital_status"})},
    "land": {PERSON: frozenset({"relation"}), HOUSEHOLD: _VILLAGE_HOUSEHOLD | {"address"}},
    "forestry": {PERSON: frozenset({"relation"}), HOUSEHOLD: _VILLAGE_HOUSEHOLD},
    "agriculture": {PERSON: frozenset({"relation"}), HOUSEHOLD: _VILLAGE_HOUSEHOLD},
}


def visible_fields(user: User | None, model_name: str) -> frozenset[str] | None:
    """The fields of ``model_name`` ("person", "household" or "application") the user may see:
    None for every field (places), else the member unit's domain's set (the table above)."""
    if getattr(user, "is_superuser", False):
        return None
    assignment = assignment_of(user)
    if assignment is None or assignment.role != MEMBER_UNIT:
        return None
    unit = assignment.member_unit
    domain = unit.domain if unit is not None else ""
    return _MEMBER_UNIT_BASE[model_name] | MEMBER_UNIT_FIELDS.get(domain, {}).get(model_name, frozenset())


def may_see(user: User | None, model_name: str, field: str) -> bool:
    """Whether ``visible_fields`` shows ``field`` of ``model_name`` to the user (a scan of the documents
    is the application's ``documents``: a page that serves one asks this first, and answers 404)."""
    fields = visible_fields(user, model_name)
    return fields is None or field in fields


class FieldsShown:
    """``visible_fields`` for templates: ``{% if "phone" in nzc_fields.person %}`` (everything shows
    for a place). The context processor builds it for the signed-in user."""

    def __init__(self, user: User | None):
        self.user = user
        self._cache: dict[str, frozenset[str] | None] = {}

    def fields(self, model_name: str) -> frozenset[str] | None:
        if model_name not in self._cache:
            self._cache[model_name] = visible_fields(self.user, model_name)
        return self._cache[model_name]

    def __getitem__(self, model_name: str) -> _Shown:
        return _Shown(self.fields(model_name))

    def __getattr__(self, model_name: str) -> _Shown:
        if model_name.startswith("_") or model_name not in (PERSON, HOUSEHOLD, APPLICATION):
            raise AttributeError(model_name)
        return self[model_name]


class _Shown:
    def __init__(self, fields: frozenset[str] | None):
        self.fields = fields

    def __contains__(self, name: str) -> bool:
        return self.fields is None or name in self.fields
