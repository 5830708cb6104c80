"""Targets and progress API: reads through scoped querysets and selectors, writes through
quotas.services. A county out of scope answers 404; writes need the city office (TARGET_EDIT)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from nongzhuancheng.scoping import POLICY, TARGET_EDIT, ScopedViewSetMixin, allows

from .. import selectors, services
from ..models import Target
from ..views import parse_params
from . import serializers as s

DATE_PARAMS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="年度（默认：as_of 所在年度）"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="截至日期（默认：今天）"),
]


class EditorOrReadOnly(permissions.IsAuthenticated):
    message = POLICY[TARGET_EDIT].refusal

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or allows(request.user, TARGET_EDIT)


class TargetViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Annual targets with their revision history. POST sets a target or adds a revision."""

    queryset = Target.objects.select_related("county", "member_unit").prefetch_related("revisions")
    serializer_class = s.TargetSerializer
    permission_classes = [EditorOrReadOnly]
    filterset_fields = ["year", "level", "county"]

    @extend_schema(request=s.TargetSetSerializer, responses={201: s.TargetSerializer})
    def create(self, request):
        data = s.TargetSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            revision = services.target_set(actor=request.user, **data.validated_data)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        target = self.get_queryset().get(pk=revision.target_id)
        return Response(s.TargetSerializer(target).data, status=status.HTTP_201_CREATED)


class CityProgressView(APIView):
    """The city and its counties at a date (the counties the user may see; ranks among all 11)."""

    scoped = True  # built only from selectors given the user (county_progress(user=...)), as ScopedSelectorsMixin

    @extend_schema(parameters=DATE_PARAMS, responses=s.CityProgressSerializer)
    def get(self, request):
        year, as_of = parse_params(request.query_params, api=True)
        progress = selectors.county_progress(year=year, as_of=as_of, user=request.user)
        return Response(s.CityProgressSerializer(progress).data)


class CountyProgressView(APIView):
    """One county: its row, its police stations, categories and ten-day series (404 out of scope)."""

    scoped = True  # the county is looked up through visible_counties(user), scoped by PoliceStation

    @extend_schema(parameters=DATE_PARAMS, responses=s.CountyDrillDownSerializer)
    def get(self, request, code):
        county = selectors.visible_counties(request.user).filter(code=code).first()
        if county is None:
            raise Http404
        year, as_of = parse_params(request.query_params, api=True)
        city = selectors.county_progress(year=year, as_of=as_of, user=request.user)
        row = next(c for c in city.counties if c.county_id == county.pk)
        data = {
            "county": row,
            "stations": selectors.station_progress(county=county, year=year, as_of=city.as_of),
            "categories": selectors.category_progress(year=year, as_of=city.as_of, county=county),
            "periods": selectors.period_series(year=year, as_of=city.as_of, county=county),
        }
        return Response(s.CountyDrillDownSerializer(data).data)
