from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..forms import user_moves
from ..models import GuaranteeCase, Retention


class EntitledPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_id_number(self, person):
        """Always masked: whole numbers only on a detail page, by a logged click (households)."""
        return person.masked_id


class RetentionSerializer(serializers.ModelSerializer):
    person = EntitledPersonSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Retention
        fields = [
            "id", "person", "application", "county", "station", "kind", "kind_label", "state", "state_label",
            "opened_on", "changed_on", "area_mu", "certificate_no", "organisation", "share", "transition_ends_on",
            "counterparty", "term_ends_on", "price", "contract_no", "compensation", "agreement_no",
        ]
        read_only_fields = fields


class GuaranteeCaseSerializer(serializers.ModelSerializer):
    person = EntitledPersonSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = GuaranteeCase
        fields = [
            "id", "person", "application", "county", "station", "kind", "kind_label", "state", "state_label",
            "opened_on", "requested_on", "started_on", "delivered_on", "refused_on", "days_to_deliver",
            "refusal_reason", "reference",
        ]
        read_only_fields = fields


def _move_help(workflow):
    return "; ".join(
        f"{m.name}: {', '.join(sorted(m.sources))} → {m.target}" + (" (final)" if m.final else "")
        + (f" — {m.note_label} required" if m.note_required else "")
        for m in workflow if m.action is not None
    )


class GuaranteeMoveInputSerializer(serializers.Serializer):
    """One move of the guarantee cases' table (GuaranteeCase.WORKFLOW)."""

    move = serializers.ChoiceField(choices=user_moves(GuaranteeCase.WORKFLOW), label=_("办理"),
                                   help_text=_move_help(GuaranteeCase.WORKFLOW))
    on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text=_("不予落实理由（refuse 时必填）"))
    reference = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None, max_length=120)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RetentionMoveInputSerializer(serializers.Serializer):
    """One move of the retentions' table (Retention.WORKFLOW), with the particulars it records."""

    move = serializers.ChoiceField(choices=user_moves(Retention.WORKFLOW), label=_("办理"),
                                   help_text=_move_help(Retention.WORKFLOW))
    on = serializers.DateField(required=False, allow_null=True)
    counterparty = serializers.CharField(required=False, allow_blank=True, default="")
    term_ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None)
    contract_no = serializers.CharField(required=False, allow_blank=True, default="")
    compensation = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None)
    agreement_no = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RetentionRecordInputSerializer(serializers.Serializer):
    area_mu = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    certificate_no = serializers.CharField(required=False, allow_blank=True, max_length=40)
    organisation = serializers.CharField(required=False, allow_blank=True, max_length=80)
    share = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DeliveryRowSerializer(serializers.Serializer):
    county_id = serializers.IntegerField()
    county_name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    requested = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    delivered = serializers.IntegerField()
    refused = serializers.IntegerField()
    not_needed = serializers.IntegerField()
    delivery_rate = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=True)
    median_days = serializers.FloatField(allow_null=True)
