"""Households API: thin viewsets that read through selectors / scoped querysets and write through
households.services. Out of scope answers 404, a read-only role 403 on writes, errors are JSON."""

from functools import cached_property

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from nongzhuancheng.audit import AccessEvent, record
from nongzhuancheng.masking import mask
from nongzhuancheng.models import PoliceStation
from nongzhuancheng.pagination import KeysetPagination
from nongzhuancheng.scoping import (
    APPLICATION_MOVE,
    APPLICATION_RECEIVE,
    CORRECTION_REQUEST,
    HOUSEHOLD_CHANGE,
    POLICY,
    VIEW,
    ScopedViewSetMixin,
    allows,
)

from .. import corrections, ids, selectors, services
from ..approval_models import CorrectionRequest
from ..filters import ApplicationFilter, CorrectionFilter, PersonFilter
from ..id_check import id_check_claim, id_check_limited
from ..models import ApplicationEvent, Household, Person, TransferApplication
from . import list_json
from . import serializers as s


class ActionOrReadOnly(permissions.IsAuthenticated):
    """Reads for every signed-in role (scoped); a write needs the policy's action for it: the view's
    ``write_actions[view.action]``, else its ``write_action``."""

    message = _("当前角色只能查看，不能修改。")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        action = getattr(view, "write_actions", {}).get(getattr(view, "action", None)) or view.write_action
        if allows(request.user, action):
            return True
        self.message = POLICY[action].refusal
        return False


def _drf_error(exc):
    """A Django ValidationError from a service as a DRF one: {field: [messages]}, with per-member
    errors as ``members: [{field: [...]}, {}, ...]`` in the order they were sent."""
    member_errors = getattr(exc, "member_errors", None)
    if member_errors is not None:
        count = max(member_errors) + 1
        return exceptions.ValidationError(
            {"members": [member_errors.get(i, {}) for i in range(count)], "detail": exc.messages}
        )
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"detail": exc.messages})


class ServiceErrorsMixin:
    """Services raise Django exceptions; answer them as JSON like DRF's own."""

    permission_classes = [ActionOrReadOnly]
    write_action = HOUSEHOLD_CHANGE

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = _drf_error(exc)
        elif isinstance(exc, ObjectDoesNotExist):
            exc = exceptions.NotFound()
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)

    def full_id_context(self, detail):
        return s.full_id_context(self.request, detail)


@extend_schema_view(
    list=extend_schema(summary="户列表", description=s.NEED_TO_KNOW_NOTE),
    retrieve=extend_schema(summary="户详情", description=s.NEED_TO_KNOW_NOTE),
    partial_update=extend_schema(summary="更正户的登记信息", request=s.HouseholdUpdateSerializer),
)
class HouseholdViewSet(
    ServiceErrorsMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    queryset = Household.objects.select_related("county", "station").order_by("-id")
    serializer_class = s.HouseholdSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        household = self.get_object()
        data = s.HouseholdUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        household = services.household_update(household=household, actor=request.user, **data.validated_data)
        return Response(s.HouseholdSerializer(household).data)


@extend_schema_view(
    list=extend_schema(summary="转户人员列表（身份号码遮蔽）", description=s.NEED_TO_KNOW_NOTE),
    retrieve=extend_schema(summary="转户人员详情", description=s.NEED_TO_KNOW_NOTE),
    partial_update=extend_schema(summary="更正人员信息", request=s.PersonUpdateSerializer),
)
class PersonViewSet(
    ServiceErrorsMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    queryset = Person.objects.order_by("-id")
    serializer_class = s.PersonSerializer
    pagination_class = KeysetPagination
    filterset_class = PersonFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_actions = {"search": VIEW}  # a search is a read sent by POST (the number stays out of URLs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **self.full_id_context(self.action == "retrieve")}

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if self.full_id_context(True)["full_id"]:
            record(AccessEvent.Kind.ID_VIEW, request=request, person_id=response.data["id"],
                   subject=mask(response.data["id_number"]))
        return response

    @extend_schema(summary="按完整身份号码查找人员（仅 POST：号码不进网址）", request=s.IdSearchSerializer,
                   responses={200: s.PersonSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    def search(self, request):
        data = s.IdSearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rid = ids.parse(data.validated_data["id_number"])
        rows = selectors.person_find_by_id_number(user=request.user, id_number=rid.number)
        record(AccessEvent.Kind.ID_SEARCH, request=request, subject=rid.masked)
        return Response(s.PersonSerializer(rows, many=True, context=self.get_serializer_context()).data)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        data = s.PersonUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        person = services.person_update(person=person, actor=request.user, **data.validated_data)
        return Response(s.PersonSerializer(person, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="转户申请列表（身份号码遮蔽）", description=s.NEED_TO_KNOW_NOTE),
    retrieve=extend_schema(summary="转户申请详情", description=s.NEED_TO_KNOW_NOTE),
    create=extend_schema(
        summary="受理转户申请（户及成员）",
        request=s.ApplicationCreateSerializer,
        responses={201: s.ApplicationDetailSerializer, 400: OpenApiResponse(description="校验错误")},
    ),
)
class ApplicationViewSet(
    ServiceErrorsMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet,
):
    queryset = TransferApplication.objects.select_related("household", "county", "station")
    filterset_class = ApplicationFilter
    pagination_class = KeysetPagination
    write_action = APPLICATION_MOVE
    write_actions = {"create": APPLICATION_RECEIVE, "correct": CORRECTION_REQUEST}

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            qs = qs.select_related("created_by", "household__county", "household__station").prefetch_related(
                # the members the user may see (a member unit: only those with a case of its kind)
                Prefetch("members", queryset=Person.objects.for_user(self.request.user).order_by("id")),
                Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
            )
        return qs.order_by("-id")

    def filter_queryset(self, queryset):
        if self.action != "list":  # filters are for the list only; get_object keeps the scoped queryset
            return queryset
        # the filter answers from selectors.application_list (scoped by for_user itself)
        return super().filter_queryset(queryset)

    # JSON answers of the list may come prebuilt by PostgreSQL (list_json); the browsable API as usual
    renderer_classes = [list_json.PrebuiltJSONRenderer,
                        *[r for r in api_settings.DEFAULT_RENDERER_CLASSES if r is not JSONRenderer]]

    @cached_property  # read by list_values while paginating and by list: asked once a request
    def prebuilt_list(self):
        """Whether this list answer is built by PostgreSQL (list_json): JSON asked for, on PostgreSQL, by
        a role that sees every field (a member unit's answer leaves fields out: the Python path)."""
        return (self.action == "list" and list_json.available()
                and isinstance(getattr(self.request, "accepted_renderer", None), list_json.PrebuiltJSONRenderer)
                and all(fields is None for fields in s.fields_for(self.request).values()))

    @property
    def list_values(self):
        return s.LIST_APPLICATION_VALUES if self.action == "list" and not self.prebuilt_list else None

    @property
    def page_fetch(self):
        """The prebuilt page's fetcher (list_json): prepared unless a filter beyond the search box is
        given (a plan for one status or date range may be wrong for another)."""
        if not self.prebuilt_list:
            return None
        params = self.request.query_params
        return list_json.page_fetch(prepare=not any(name in params for name in ApplicationFilter.base_filters
                                                    if name != "q"))

    def list(self, request, *args, **kwargs):
        """Plain values and a hand-built representation (serializers.application_list_representation,
        documented by ApplicationListSerializer): one query for the page, one for its members. On
        PostgreSQL, for the roles that see every field, the page and its JSON in one statement
        (list_json; a first page's count in it too)."""
        if any(name in request.query_params for name in ApplicationFilter.base_filters):
            queryset = self.filter_queryset(self.get_queryset())  # validated by the FilterSet
        else:  # no filter given: the FilterSet (deep-copied a request) would only hand on this
            queryset = selectors.application_list(user=request.user)
        page = self.paginate_queryset(queryset)  # dicts of list_values
        if self.prebuilt_list:
            response = self.get_paginated_response([])
            envelope = {key: value for key, value in response.data.items() if key != "results"}
            response.data = list_json.paginated_body(envelope, [row["built"][0] for row in page])
            return response
        members = (Person.objects.for_user(request.user).filter(application_id__any_of=[row["id"] for row in page])
                   .order_by("id").values_list(*s.LIST_MEMBER_VALUES))
        return self.get_paginated_response(
            s.application_list_representation(page, members, s.fields_for(request)))

    def get_serializer_class(self):
        return s.ApplicationListSerializer if self.action == "list" else s.ApplicationDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if self.full_id_context(True)["full_id"]:
            for member in response.data["members"]:
                record(AccessEvent.Kind.ID_VIEW, request=request, person_id=member["id"],
                       subject=mask(member["id_number"]))
        return response

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **self.full_id_context(self.action != "list")}

    def _detail(self, app, code=status.HTTP_200_OK):
        app = self.get_queryset().get(pk=app.pk)
        return Response(s.ApplicationDetailSerializer(app, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        data = s.ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        station = None
        if v.get("station"):
            station = PoliceStation.objects.filter(pk=v["station"]).first()
            if station is None:
                raise exceptions.ValidationError({"station": [_("派出所不存在。")]})
        app = services.application_create(
            actor=request.user,
            household=v.get("household_id") or dict(v["household"]),
            members=[dict(m) for m in v["members"]],
            documents=v.get("documents") or [],
            station=station,
            received_on=v.get("received_on"),
            note=v.get("note", ""),
            override_reason=v.get("override_reason", ""), confirm_warnings=True,
        )
        return self._detail(app, status.HTTP_201_CREATED)

    @extend_schema(
        summary="办理：转户申请的一项操作（办结、退回补正、补正后重新受理、不予办理、撤回）",
        description=(
            "Makes one move of the application move table (`TransferApplication.WORKFLOW`), named in "
            "`move`. The table:\n\n" + s._move_table(TransferApplication.WORKFLOW).replace("\n", "\n\n")
            + "\n\nA move the table does not allow from the application's status answers 400; a role "
            "without the move's action 403; an application out of scope 404."
        ),
        request=s.ApplicationMoveSerializer,
        responses={200: s.ApplicationDetailSerializer, 400: OpenApiResponse(description="校验错误或不允许的操作")},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        app = self.get_object()
        data = s.ApplicationMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        app = services.application_move(
            application=app, move=v["move"], actor=request.user, note=v["note"],
            on=v.get("on") or v.get("completed_on"), documents=v.get("documents"),
        )
        return self._detail(app)

    @extend_schema(summary="记录已核验的材料（受理中或退回补正时）", request=s.DocumentsSerializer,
                   responses={200: s.ApplicationDetailSerializer})
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        app = self.get_object()
        data = s.DocumentsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        app = services.application_set_documents(
            application=app, actor=request.user, documents=data.validated_data["documents"]
        )
        return self._detail(app)

    @extend_schema(
        summary="更正：受理中或退回补正时立即更正；已办结时提交更正申请（县区办公室审核）",
        description=("Corrects the household (`household`: field → value), members (`members`: "
                     "[{id, fields}]) and, once completed, the completion date. While the application is "
                     "received or returned the correction is written at once (200, the application); once "
                     "it is completed it becomes a correction request with a required `reason` (201, the "
                     "request; evidence: `POST /api/v1/corrections/{id}/evidence/`). A new ID number must "
                     "be valid and unclaimed."),
        request=s.CorrectionInputSerializer,
        responses={200: s.ApplicationDetailSerializer, 201: s.CorrectionSerializer,
                   400: OpenApiResponse(description="校验错误")},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        app = self.get_object()
        data = s.CorrectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            result = corrections.correction_submit(
                application=app, actor=request.user, household=dict(v["household"]),
                people={m["id"]: dict(m["fields"]) for m in v["members"]},
                completed_on=v.get("completed_on"), reason=v["reason"],
            )
        except corrections.CorrectionInvalid as exc:
            errors = {k: v for k, v in exc.section_errors.items() if k != "people"}
            if exc.section_errors.get("people"):
                errors["members"] = {str(pk): e for pk, e in exc.section_errors["people"].items()}
            raise exceptions.ValidationError({**errors, "detail": exc.messages}) from None
        if isinstance(result, CorrectionRequest):
            row = corrections.with_lines([result], request.user)[0]
            return Response(s.CorrectionSerializer(row, context=self.get_serializer_context()).data,
                            status=status.HTTP_201_CREATED)
        return self._detail(result)

    @extend_schema(summary="办理记录", responses={200: s.EventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request, pk=None):
        app = self.get_object()
        events = selectors.application_events(application=app)
        return Response(s.EventSerializer(events, many=True, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="更正申请列表"),
    retrieve=extend_schema(summary="更正申请详情（更正前后对照，身份号码遮蔽）"),
)
class CorrectionViewSet(ServiceErrorsMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    queryset = CorrectionRequest.objects.select_related("application", "requested_by", "decided_by").order_by("-id")
    serializer_class = s.CorrectionSerializer
    filterset_class = CorrectionFilter
    pagination_class = KeysetPagination
    write_action = CORRECTION_REQUEST
    write_actions = {"move": VIEW}  # the move's own action of the policy is checked by the service

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = corrections.with_lines(page if page is not None else self.filter_queryset(self.get_queryset()),
                                    request.user)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        row = corrections.with_lines([self.get_object()], request.user)[0]
        return Response(self.get_serializer(row).data)

    @extend_schema(
        summary="审核更正申请：批准（更正生效，统计随之调整）、不予更正（须写理由）或撤回",
        description="Makes one move of `CorrectionRequest.WORKFLOW`:\n\n"
                    + s._move_table(CorrectionRequest.WORKFLOW).replace("\n", "\n\n"),
        request=s.CorrectionMoveSerializer,
        responses={200: s.CorrectionSerializer, 400: OpenApiResponse(description="校验错误或不允许的操作")},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        row = self.get_object()
        data = s.CorrectionMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = corrections.correction_move(correction=row, move=data.validated_data["move"], actor=request.user,
                                          note=data.validated_data["note"])
        return Response(self.get_serializer(corrections.with_lines([self.get_queryset().get(pk=row.pk)], request.user)[0]).data)

    @extend_schema(summary="上传更正申请的证明材料（PDF、JPEG 或 PNG）", request=s.EvidenceSerializer,
                   responses={200: s.CorrectionSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        row = self.get_object()
        data = s.EvidenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = corrections.correction_evidence_add(correction=row, actor=request.user,
                                                  upload=data.validated_data["evidence"])
        return Response(self.get_serializer(corrections.with_lines([row], request.user)[0]).data)


class IdCheckView(ServiceErrorsMixin, APIView):
    """Check a resident ID number as it is typed: is it valid, and (for a clerk) is it already claimed
    anywhere in the city? A claim shows only where and when, never the other household's data.
    POST only, rate-limited per user, every use logged (households.id_check)."""

    permission_classes = [permissions.IsAuthenticated]
    # no row of anyone's scope: the claim is looked up city-wide by design, only its summary is told
    shows_no_scoped_rows = True  # the twin of NoScopedRowsMixin for a DRF view

    @extend_schema(summary="身份号码校验与查重（仅 POST：号码不进网址）", request=s.IdCheckInputSerializer,
                   responses={200: s.IdCheckSerializer, 429: OpenApiResponse(description="查询过于频繁")})
    def post(self, request):
        if id_check_limited(request):
            raise exceptions.Throttled(detail=_("查询过于频繁，请稍后再试。"))
        return self._check(request.data)

    def _check(self, params):
        data = s.IdCheckInputSerializer(data=params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = {
            "valid": False, "id_number": None, "masked": None, "sex": None, "birth_date": None,
            "area_name": None, "errors": {}, "claim": None,
        }
        try:
            rid = services.person_check_identity(
                id_number=v["id_number"], sex=v.get("sex"), birth_date=v.get("birth_date")
            )
        except DjangoValidationError as exc:
            result["errors"] = exc.message_dict
            try:  # the number itself may be fine while the typed sex or birth date is not
                rid = ids.parse(v["id_number"])
            except DjangoValidationError:
                rid = None
        if rid is not None:
            result.update(
                valid=not result["errors"], id_number=rid.number, masked=rid.masked, sex=rid.sex,
                birth_date=rid.birth_date, area_name=rid.area_name,
            )
        claim = id_check_claim(self.request, rid.number if rid is not None else None)
        if claim is not None:
            app = claim.application
            result["claim"] = {
                "station": str(claim.station),
                "received_on": app.received_on,
                "completed_on": app.completed_on,
                "status": app.status,
                "status_display": app.get_status_display(),
                "message": services.duplicate_message(claim),
            }
        return Response(s.IdCheckSerializer(result).data)
