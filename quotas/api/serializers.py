"""Input and output serializers of the targets and progress API. Rates are exact decimals
(strings) plus their display form, cut through nongzhuancheng.figures."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from nongzhuancheng.figures import percent_of
from nongzhuancheng.models import County, MemberUnit

from ..models import Level, Target, TargetRevision


class TargetRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetRevision
        fields = ["id", "amount", "effective_on", "document_number", "note", "created_at"]


class TargetSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", default=None, read_only=True)
    member_unit_code = serializers.CharField(source="member_unit.code", default=None, read_only=True)
    revisions = TargetRevisionSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = ["id", "year", "level", "county", "county_code", "member_unit", "member_unit_code", "note",
                  "revisions"]


class TargetSetSerializer(serializers.Serializer):
    """Set a target or add a revision: the target is found by year, level and holder."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    level = serializers.ChoiceField(choices=Level.choices)
    county = serializers.SlugRelatedField(slug_field="code", queryset=County.objects.all(), required=False,
                                          allow_null=True, help_text=_("县区代码，如 530602"))
    member_unit = serializers.SlugRelatedField(slug_field="code", queryset=MemberUnit.objects.all(),
                                               required=False, allow_null=True)
    amount = serializers.IntegerField(min_value=0)
    effective_on = serializers.DateField()
    document_number = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")



class CountyProgressSerializer(serializers.Serializer):
    county_id = serializers.IntegerField()
    county_code = serializers.CharField()
    county_name = serializers.CharField()
    target = serializers.IntegerField()
    period_done = serializers.IntegerField()
    previous_period_done = serializers.IntegerField()
    month_done = serializers.IntegerField()
    cumulative = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=30, decimal_places=10, allow_null=True, coerce_to_string=True)
    rate_display = serializers.SerializerMethodField()
    pace = serializers.DecimalField(max_digits=30, decimal_places=10, coerce_to_string=True)
    ahead_of_pace = serializers.BooleanField()
    rank = serializers.IntegerField(help_text=_("按完成率（截尾取一位小数）排名；完成率相同的县区并列同一名次"))
    rank_tied = serializers.BooleanField(help_text=_("与其他县区并列此名次"))
    previous_rank = serializers.IntegerField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True)
    remaining = serializers.IntegerField()
    periods_left = serializers.IntegerField()
    needed_per_period = serializers.IntegerField(allow_null=True)
    projected_date = serializers.DateField(allow_null=True)

    def get_rate_display(self, obj) -> str:
        return percent_of(obj.rate)


class CityProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    target = serializers.IntegerField()
    provincial_target = serializers.IntegerField(allow_null=True)
    cumulative = serializers.IntegerField()
    period_done = serializers.IntegerField()
    previous_period_done = serializers.IntegerField()
    month_done = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=30, decimal_places=10, allow_null=True)
    rate_display = serializers.SerializerMethodField()
    provincial_multiple = serializers.DecimalField(max_digits=30, decimal_places=10, allow_null=True)
    pace = serializers.DecimalField(max_digits=30, decimal_places=10)
    pace_display = serializers.SerializerMethodField()
    counties = CountyProgressSerializer(many=True)

    def get_rate_display(self, obj) -> str:
        return percent_of(obj.rate)

    def get_pace_display(self, obj) -> str:
        return percent_of(obj.pace)


class StationProgressSerializer(serializers.Serializer):
    station_id = serializers.IntegerField()
    station_code = serializers.CharField()
    station_name = serializers.CharField()
    cumulative = serializers.IntegerField()
    period_done = serializers.IntegerField()
    month_done = serializers.IntegerField()


class CategoryProgressSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    cumulative = serializers.IntegerField()
    period_done = serializers.IntegerField()
    eligible = serializers.IntegerField(allow_null=True)
    pool_rate = serializers.DecimalField(max_digits=30, decimal_places=10, allow_null=True)


class PeriodPointSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.key")
    label = serializers.CharField(source="period.label")
    done = serializers.IntegerField(allow_null=True)
    cumulative = serializers.IntegerField(allow_null=True)
    target = serializers.IntegerField()
    target_path = serializers.IntegerField()


class CountyDrillDownSerializer(serializers.Serializer):
    county = CountyProgressSerializer()
    stations = StationProgressSerializer(many=True)
    categories = CategoryProgressSerializer(many=True)
    periods = PeriodPointSerializer(many=True)
