"""The bulletins API: list and read (scoped), download the PDF, ask for a bulletin."""

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from nongzhuancheng.periods import Period
from nongzhuancheng.scoping import BULLETIN_REQUEST, ScopedViewSetMixin, require

from . import selectors, services
from .models import Bulletin


class BulletinOutputSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.key")
    period_label = serializers.CharField(source="period.label")
    county = serializers.CharField(source="county.code", default=None)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = [
            "id", "period", "period_label", "year", "issue_number", "scope", "county", "revision", "preview",
            "as_of", "state", "error", "doc_number", "sha256", "pdf_size", "pdf_url", "requested_at", "issued_at",
        ]

    def get_pdf_url(self, obj) -> str | None:
        if not obj.is_issued:
            return None
        request = self.context.get("request")
        url = f"/api/v1/bulletins/{obj.pk}/pdf/"
        return request.build_absolute_uri(url) if request else url


class BulletinDetailSerializer(BulletinOutputSerializer):
    class Meta(BulletinOutputSerializer.Meta):
        fields = [*BulletinOutputSerializer.Meta.fields, "figures"]


class BulletinRequestSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{1,2}-[123]$", help_text="year-month-part, e.g. 2012-10-2")
    county = serializers.CharField(required=False, allow_blank=True, help_text="county code; empty for the city")
    reissue = serializers.BooleanField(default=False)

    def validate_period(self, value):
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class BulletinViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    queryset = Bulletin.objects.select_related("county")
    filterset_fields = ["year", "state", "scope", "revision"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return BulletinDetailSerializer
        if self.action == "request_bulletin":
            return BulletinRequestSerializer
        return BulletinOutputSerializer

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        bulletin = self.get_object()
        if not bulletin.is_issued or not bulletin.pdf:
            raise Http404
        return FileResponse(bulletin.pdf.open("rb"), as_attachment=True, content_type="application/pdf",
                            filename=f"bulletin-{bulletin.year}-{bulletin.issue_number}-{bulletin.scope}-r{bulletin.revision}.pdf")

    @extend_schema(request=BulletinRequestSerializer, responses={201: BulletinOutputSerializer,
                                                                 200: BulletinOutputSerializer})
    @action(detail=False, methods=["post"], url_path="request")
    def request_bulletin(self, request):
        """Ask for a bulletin: 403 for a role that may not, 404 for a county outside the user's place,
        403 for the city bulletin without BULLETIN_REQUEST_CITY (the service)."""
        require(request.user, BULLETIN_REQUEST)
        incoming = BulletinRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        code = incoming.validated_data.get("county") or ""
        county = None
        if code:
            county = selectors.bulletin_counties_requestable(user=request.user).filter(code=code).first()
            if county is None:
                raise Http404
        try:
            bulletin, created = services.bulletin_request(
                period=incoming.validated_data["period"], county=county, actor=request.user,
                reissue=incoming.validated_data["reissue"],
            )
        except ValueError as exc:
            raise serializers.ValidationError({"period": str(exc)}) from exc
        return Response(BulletinOutputSerializer(bulletin, context={"request": request}).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
