"""Thin API: list/retrieve in the user's scope, move actions that call the services."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from nongzhuancheng import params
from nongzhuancheng.figures import cut
from nongzhuancheng.scoping import ScopedViewSetMixin

from .. import selectors, services
from ..forms import DeliveryParams
from ..models import GuaranteeCase, Retention
from .serializers import (
    DeliveryRowSerializer,
    GuaranteeCaseSerializer,
    GuaranteeMoveInputSerializer,
    RetentionMoveInputSerializer,
    RetentionRecordInputSerializer,
    RetentionSerializer,
)


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ValidationError as exc:
        raise APIValidationError(exc.message_dict if hasattr(exc, "message_dict") else exc.messages) from None
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None


class RetentionViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Retention.objects.select_related("person").order_by("pk")
    serializer_class = RetentionSerializer
    filterset_fields = ["kind", "state", "county", "station", "person"]

    @extend_schema(summary="保留事项的一项操作（依法流转、自愿有偿退出、恢复保留）",
                   request=RetentionMoveInputSerializer, responses=RetentionSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Make one move of Retention.WORKFLOW, named in ``move``, with the particulars it records."""
        retention = self.get_object()
        data = RetentionMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        d.setdefault("on", None)
        r = _call(services.retention_move, retention=retention, actor=request.user, **d)
        return Response(RetentionSerializer(r, context={"request": request}).data)

    @extend_schema(request=RetentionRecordInputSerializer, responses=RetentionSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record area, certificate, collective organisation or share (the state does not change)."""
        retention = self.get_object()
        data = RetentionRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        note = fields.pop("note", "")
        r = _call(services.retention_record, retention=retention, actor=request.user, note=note, **fields)
        return Response(RetentionSerializer(r, context={"request": request}).data)


class GuaranteeCaseViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    queryset = GuaranteeCase.objects.select_related("person").order_by("pk")
    serializer_class = GuaranteeCaseSerializer
    filterset_fields = ["kind", "state", "county", "station", "person"]

    @extend_schema(summary="保障事项的一项操作（申请办理、开始办理、落实、不予落实、无需办理）",
                   request=GuaranteeMoveInputSerializer, responses=GuaranteeCaseSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Make one move of GuaranteeCase.WORKFLOW, named in ``move``."""
        case = self.get_object()
        data = GuaranteeMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        c = _call(services.guarantee_move, case=case, move=d["move"], actor=request.user, note=d["note"],
                  reason=d["reason"], reference=d["reference"], on=d.get("on"))
        return Response(GuaranteeCaseSerializer(c, context={"request": request}).data)


class DeliverySummaryView(APIView):
    """Delivery by county and kind in the user's scope (?as_of=YYYY-MM-DD, default today).
    Built only from the scoped selector."""

    scoped = True  # rows from selectors.delivery_summary(user=...), scoped by for_user

    @extend_schema(responses=DeliveryRowSerializer(many=True))
    def get(self, request):
        as_of = params.read_api(DeliveryParams, request.query_params)["as_of"] or timezone.localdate()
        rows = selectors.delivery_summary(as_of=as_of, user=request.user)
        for r in rows:
            r.delivery_rate = cut(r.delivery_rate, 6)
        return Response(DeliveryRowSerializer(rows, many=True).data)
