"""Supervision API: problems (read, raise, move) and assessment revisions (read). Rows come through
the scoped managers (out of scope: 404); writes go through oversight.services."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from nongzhuancheng.scoping import ScopedViewSetMixin

from .. import services
from ..models import AssessmentRevision, Problem
from . import serializers as s


def _call(fn):
    try:
        return fn()
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from None
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
    except (Problem.DoesNotExist, AssessmentRevision.DoesNotExist):
        raise Http404 from None


class ProblemViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Problems raised with the city office. POST raises one; POST …/move/ makes a move of the table."""

    queryset = Problem.objects.select_related("county", "member_unit", "assigned_to")
    serializer_class = s.ProblemSerializer
    filterset_fields = ["state", "county", "member_unit"]

    @extend_schema(request=s.ProblemRaiseSerializer, responses={201: s.ProblemSerializer})
    def create(self, request):
        data = s.ProblemRaiseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        problem = _call(lambda: services.problem_raise(actor=request.user, **data.validated_data))
        return Response(s.ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProblemMoveSerializer, responses={200: s.ProblemSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = s.ProblemMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        problem = self.get_object()  # 404 out of the user's sight
        row = _call(lambda: services.problem_move(problem=problem, actor=request.user, **data.validated_data))
        return Response(s.ProblemSerializer(row).data)


class RevisionViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assessment revisions with their scores (counties and member units: their own published ones)."""

    queryset = AssessmentRevision.objects.select_related(
        "assessment__scheme", "assessment__county", "assessment__member_unit").prefetch_related("scores__item")
    serializer_class = s.RevisionSerializer
    filterset_fields = ["state", "assessment__scheme__year", "assessment__scheme__group"]
