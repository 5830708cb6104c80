from rest_framework import serializers

from ..models import AssessmentRevision, Problem, Score


class ProblemSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "title", "description", "state", "county", "member_unit", "holder", "raised_on", "due_on",
                  "assigned_to", "answer", "answered_on", "closed_on"]
        read_only_fields = fields


class ProblemRaiseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()


class ProblemMoveSerializer(serializers.Serializer):
    move = serializers.ChoiceField(choices=[m.name for m in Problem.WORKFLOW])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ScoreSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.label")
    weight = serializers.DecimalField(source="item.weight", max_digits=5, decimal_places=2)

    class Meta:
        model = Score
        fields = ["item", "weight", "measured", "basis", "score", "comment"]


class RevisionSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="assessment.holder")
    year = serializers.IntegerField(source="assessment.scheme.year")
    group = serializers.CharField(source="assessment.scheme.group")
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentRevision
        fields = ["id", "year", "group", "holder", "number", "state", "total", "grade", "corrects", "published_at",
                  "scores"]
