"""Input and output serializers of the households API. Inputs only validate shapes: the rules
live in households.services, which the views call."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from nongzhuancheng.api_fields import TextField
from nongzhuancheng.scoping import APPLICATION, HOUSEHOLD, ID_VIEW_WHOLE, PERSON, allows, visible_fields

from ..approval_models import CorrectionRequest
from ..income import income_band
from ..models import ApplicationEvent, Household, Person, TransferApplication
from ..reference import (
    REQUIRED_DOCUMENTS,
    Category,
    Document,
    Education,
    Employment,
    Ethnicity,
    HouseholdKind,
    IncomeBand,
    IncomeSource,
    MaritalStatus,
    Relation,
    Sex,
)
from ..services import moves_allowed

# ---------------------------------------------------------------- output


class MaskedIdField(serializers.CharField):
    """A resident ID number: whole only where the serializer's context says ``full_id``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        from nongzhuancheng.masking import mask

        return value if self.context.get("full_id") else mask(value)


class MaskedBirthDateField(serializers.DateField):
    """A birth date beside a masked number: null unless the number is whole (``birth_year`` is always
    given; nongzhuancheng.masking explains why a masked number never stands beside its date)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if self.context.get("full_id") else None


class BirthYearField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "birth_date")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.year if value else None


@extend_schema_field(OpenApiTypes.STR)
class LabelField(serializers.Field):
    """The display label of a choice value, from a dict built once (``get_FOO_display`` rebuilds
    its choices on every call, which dominated the list's time)."""

    def __init__(self, choices, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.labels = dict(choices)

    def to_representation(self, value):
        label = self.labels.get(value)
        return str(label) if label is not None else value

    def get_attribute(self, instance):
        return getattr(instance, self.source)


def full_id_context(request, detail):
    """Whole ID numbers only on a detail response, and only for roles allowed to see them."""
    return {"full_id": bool(detail and allows(request.user, ID_VIEW_WHOLE))}


# Need-to-know: a key is left out of the answer (never sent as null) when the user may not see the
# field it shows (nongzhuancheng.scoping.visible_fields, the one table). A derived key follows its field.
DERIVED_FROM = {"income_band": "annual_income", "birth_year": "birth_date", "missing_documents": "documents",
                "allowed_moves": "status", "county_name": "county", "station_name": "station"}


def field_of(key):
    """The model field an output key shows (``sex_display`` shows ``sex``)."""
    if key in DERIVED_FROM:
        return DERIVED_FROM[key]
    return key.removesuffix("_display")


def keep_visible(data, fields):
    """``data`` without the keys of fields not in ``fields`` (None: every field is visible)."""
    if fields is None:
        return data
    return {key: value for key, value in data.items() if field_of(key) in fields}


def fields_for(request):
    """{model name: visible fields} of the request's user; every field without a request."""
    user = getattr(request, "user", None)
    if user is None:
        return {PERSON: None, HOUSEHOLD: None, APPLICATION: None}
    return {name: visible_fields(user, name) for name in (PERSON, HOUSEHOLD, APPLICATION)}


class NeedToKnowSerializer(serializers.ModelSerializer):
    """Leaves out the fields the signed-in user may not see (``visible_fields(user, need_to_know)``)."""

    need_to_know = ""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not self.need_to_know:
            return data
        return keep_visible(data, visible_fields(request.user, self.need_to_know))


NEED_TO_KNOW_NOTE = (
    " Need-to-know: a member unit gets only the fields the cases of its domain need "
    "(nongzhuancheng.scoping.MEMBER_UNIT_FIELDS); the keys of the other fields are left out of the "
    "answer, never sent as null, and a list or detail holds only the members it may see."
)


class HouseholdSerializer(NeedToKnowSerializer):
    need_to_know = HOUSEHOLD
    county_name = serializers.CharField(source="county.name", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    kind_display = LabelField(HouseholdKind.choices, source="kind")
    income_source_display = LabelField(IncomeSource.choices, source="income_source")
    income_band = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id", "number", "kind", "kind_display", "head_name", "township", "village", "address",
            "annual_income", "income_band", "income_source", "income_source_display", "county", "county_name", "station", "station_name", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=IncomeBand.choices))
    def get_income_band(self, obj):
        return income_band(obj.annual_income)


class PersonSerializer(NeedToKnowSerializer):
    need_to_know = PERSON
    id_number = MaskedIdField()
    birth_date = MaskedBirthDateField()
    birth_year = BirthYearField()
    sex_display = LabelField(Sex.choices, source="sex")
    category_display = LabelField(Category.choices, source="category")
    relation_display = LabelField(Relation.choices, source="relation")
    ethnicity_display = LabelField(Ethnicity.choices, source="ethnicity")
    employment_display = LabelField(Employment.choices, source="employment")

    class Meta:
        model = Person
        fields = [
            "id", "application", "household", "name", "id_number", "sex", "sex_display", "birth_date",
            "birth_year", "ethnicity", "ethnicity_display", "education", "marital_status", "relation", "relation_display",
            "phone", "occupation", "employment", "employment_display", "category", "category_display",
            "destination_address", "county", "station",
            "holds_claim", "completed_on",
        ]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    def to_representation(self, instance):
        """An event's note follows the application's note (it may carry it, or a corrected value)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        fields = visible_fields(request.user, APPLICATION) if request is not None else None
        if fields is not None and "note" not in fields:
            data.pop("note", None)
        return data

    class Meta:
        model = ApplicationEvent
        fields = ["id", "at", "actor", "from_status", "to_status", "note"]
        read_only_fields = fields


class HouseholdBriefSerializer(NeedToKnowSerializer):
    need_to_know = HOUSEHOLD

    class Meta:
        model = Household
        fields = ["id", "number", "head_name", "township", "village"]
        read_only_fields = fields


class PersonBriefSerializer(PersonSerializer):
    class Meta(PersonSerializer.Meta):
        fields = ["id", "name", "id_number", "sex", "birth_date", "birth_year", "relation", "relation_display", "category",
                  "category_display", "completed_on"]
        read_only_fields = fields


class ApplicationListSerializer(NeedToKnowSerializer):
    need_to_know = APPLICATION
    household = HouseholdBriefSerializer(read_only=True)
    status_display = LabelField(TransferApplication.Status.choices, source="status")
    county_name = serializers.CharField(source="county.name", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    members = PersonBriefSerializer(many=True, read_only=True)

    class Meta:
        model = TransferApplication
        fields = [
            "id", "number", "status", "status_display", "household", "county", "county_name", "station",
            "station_name", "received_on", "due_on", "completed_on", "members",
        ]
        read_only_fields = fields


# The list's representation written by hand: ApplicationListSerializer documents it (and
# tests/households/test_api_list_rows.py checks that both give the same JSON for a sample), but 50
# applications and their members through DRF's field machinery cost most of a list request. The list
# reads plain values (one query for the page, one for its members) and builds the same dicts here.

LIST_APPLICATION_VALUES = (
    "id", "number", "status", "household_id", "household__number", "household__head_name",
    "household__township", "household__village", "county_id", "county__name", "station_id", "station__name",
    "received_on", "due_on", "completed_on",
)
LIST_MEMBER_VALUES = ("application_id", "id", "name", "id_number", "sex", "birth_date", "relation", "category",
                      "completed_on")


def _labels(choices):
    return {value: str(label) for value, label in choices}


def _iso(day):
    return day.isoformat() if day is not None else None


def application_list_representation(rows, members, fields=None):
    """ApplicationListSerializer's output (with masked numbers, as every list shows them) for ``rows``
    (dicts of LIST_APPLICATION_VALUES) and ``members`` (tuples of LIST_MEMBER_VALUES, ordered by id),
    without the keys ``fields`` (``fields_for(request)``: {model name: visible fields}) leaves out."""
    fields = fields or {}
    person_fields, household_fields = fields.get(PERSON), fields.get(HOUSEHOLD)
    application_fields = fields.get(APPLICATION)
    from nongzhuancheng.masking import mask

    status_labels = _labels(TransferApplication.Status.choices)
    relation_labels = _labels(Relation.choices)
    category_labels = _labels(Category.choices)
    by_application = {}
    for app_id, pk, name, id_number, sex, birth_date, relation, category, completed_on in members:
        by_application.setdefault(app_id, []).append(keep_visible({
            "id": pk, "name": name, "id_number": mask(id_number), "sex": sex, "birth_date": None,
            "birth_year": birth_date.year if birth_date else None, "relation": relation,
            "relation_display": relation_labels.get(relation, relation), "category": category,
            "category_display": category_labels.get(category, category), "completed_on": _iso(completed_on),
        }, person_fields))
    return [
        keep_visible({
            "id": row["id"], "number": row["number"], "status": row["status"],
            "status_display": status_labels.get(row["status"], row["status"]),
            "household": keep_visible({
                "id": row["household_id"], "number": row["household__number"],
                "head_name": row["household__head_name"], "township": row["household__township"],
                "village": row["household__village"],
            }, household_fields),
            "county": row["county_id"], "county_name": row["county__name"], "station": row["station_id"],
            "station_name": row["station__name"], "received_on": _iso(row["received_on"]),
            "due_on": _iso(row["due_on"]), "completed_on": _iso(row["completed_on"]),
            "members": by_application.get(row["id"], []),
        }, application_fields)
        for row in rows
    ]


class ApplicationDetailSerializer(ApplicationListSerializer):
    household = HouseholdSerializer(read_only=True)
    members = PersonSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    missing_documents = serializers.ListField(child=serializers.CharField(), read_only=True)
    allowed_moves = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta(ApplicationListSerializer.Meta):
        fields = ApplicationListSerializer.Meta.fields + [
            "documents", "missing_documents", "note", "created_by", "created_at", "allowed_moves", "events",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_moves(self, obj):
        return moves_allowed(obj)


# ---------------------------------------------------------------- input


class HouseholdInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=20, label=_("户号"))
    kind = serializers.ChoiceField(choices=HouseholdKind.choices, default=HouseholdKind.AGRICULTURAL, label=_("户别"))
    head_name = serializers.CharField(max_length=40, label=_("户主姓名"))
    township = serializers.CharField(max_length=40, label=_("乡镇"))
    village = serializers.CharField(max_length=40, label=_("村（社区）"))
    address = serializers.CharField(max_length=120, label=_("住址"))
    annual_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                             allow_null=True, label=_("家庭年收入（元）"))
    income_source = serializers.ChoiceField(choices=IncomeSource.choices, required=False, allow_blank=True,
                                            label=_("主要收入来源"))


class HouseholdUpdateSerializer(HouseholdInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class PersonInputSerializer(serializers.Serializer):
    """A member as typed: the ID number raw (15 or 18 digits, spaces and full-width digits are
    fine); sex and birth date optional (derived from the number; a typed value must agree)."""

    name = serializers.CharField(max_length=40, label=_("姓名"))
    id_number = TextField(max_length=40, label=_("公民身份号码"))
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, label=_("性别"))
    birth_date = serializers.DateField(required=False, label=_("出生日期"))
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, default=Ethnicity.HAN, label=_("民族"))
    education = serializers.ChoiceField(choices=Education.choices, required=False, allow_blank=True, label=_("文化程度"))
    marital_status = serializers.ChoiceField(
        choices=MaritalStatus.choices, required=False, allow_blank=True, label=_("婚姻状况")
    )
    relation = serializers.ChoiceField(choices=Relation.choices, default=Relation.HEAD, label=_("与户主关系"))
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, label=_("联系电话"))
    occupation = serializers.CharField(max_length=40, required=False, allow_blank=True, label=_("职业"))
    employment = serializers.ChoiceField(choices=Employment.choices, required=False, allow_blank=True,
                                         label=_("就业状况"))
    category = serializers.ChoiceField(choices=Category.choices, label=_("转户类别"))
    destination_address = serializers.CharField(max_length=120, label=_("迁入城镇地址"))


class PersonUpdateSerializer(PersonInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class ApplicationCreateSerializer(serializers.Serializer):
    """Either ``household_id`` (a household in your scope) or ``household`` (its register data)."""

    household_id = serializers.IntegerField(required=False, label=_("户"))
    household = HouseholdInputSerializer(required=False)
    station = serializers.IntegerField(required=False, label=_("受理派出所"), help_text=_("县区及以上角色必填"))
    received_on = serializers.DateField(required=False, label=_("受理日期"))
    documents = serializers.ListField(
        child=serializers.ChoiceField(choices=Document.choices), required=False, default=list, label=_("已核验材料")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("备注"))
    members = PersonInputSerializer(many=True, label=_("转户成员"))
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500, label=_("确认理由"),
        help_text=_("数据质量提示核对无误仍要受理时写明理由（错误不能确认）"))

    def validate(self, attrs):
        if not attrs.get("household_id") and not attrs.get("household"):
            raise serializers.ValidationError({"household": [_("请填写户的信息或选择已登记的户。")]})
        if not attrs.get("members"):
            raise serializers.ValidationError({"members": [_("至少需要一名转户成员。")]})
        return attrs


def _move_table(workflow):
    """The move table in words, for the API documentation."""
    lines = []
    for m in workflow:
        line = f"`{m.name}`: {', '.join(sorted(m.sources))} → {m.target}"
        if m.note_required:
            line += f"; note required ({m.note_label})"
        if m.final:
            line += "; final"
        lines.append(line)
    return "\n".join(lines)


class ApplicationMoveSerializer(serializers.Serializer):
    """One move of TransferApplication.WORKFLOW. The moves, and which of them need a note, are the
    table's (GET an application for the moves allowed from its status: ``allowed_moves``)."""

    move = serializers.ChoiceField(
        choices=[(m.name, m.label) for m in TransferApplication.WORKFLOW], label=_("操作"),
        help_text=_move_table(TransferApplication.WORKFLOW),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("说明"))
    on = serializers.DateField(required=False, label=_("生效日期"),
                               help_text=_("办结日期（complete）或重新受理日期（resubmit），默认今天"))
    completed_on = serializers.DateField(required=False, label=_("办结日期"), help_text=_("complete 的 on"))
    documents = serializers.ListField(
        child=serializers.ChoiceField(choices=Document.choices), required=False, label=_("已核验材料"),
        help_text=_("如提供，同时记录为已核验材料（complete 须为全部：%(d)s；resubmit 为补正后的材料）")
        % {"d": ", ".join(REQUIRED_DOCUMENTS)},
    )


class DocumentsSerializer(serializers.Serializer):
    documents = serializers.ListField(
        child=serializers.ChoiceField(choices=Document.choices), allow_empty=True, label=_("已核验材料")
    )


class IdCheckInputSerializer(serializers.Serializer):
    id_number = TextField(max_length=40, label=_("公民身份号码"))
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, label=_("性别"))
    birth_date = serializers.DateField(required=False, label=_("出生日期"))


class ClaimSerializer(serializers.Serializer):
    """Where and when the number was claimed; nothing of the other household."""

    station = serializers.CharField()
    received_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_display = serializers.CharField()
    message = serializers.CharField()


class IdCheckSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    id_number = serializers.CharField(allow_null=True, help_text=_("18位标准号码（仅在号码有效时）"))
    masked = serializers.CharField(allow_null=True)
    sex = serializers.CharField(allow_null=True)
    birth_date = serializers.DateField(allow_null=True)
    area_name = serializers.CharField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    claim = ClaimSerializer(allow_null=True)


class IdSearchSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=40, label=_("完整的公民身份号码"))


# ---------------------------------------------------------------- corrections


class CorrectionMemberInputSerializer(serializers.Serializer):
    """One member's corrected fields (only those given change), named by the member's ``id``."""

    id = serializers.IntegerField(label=_("成员 id"))
    fields = serializers.DictField(label=_("更正的字段"), help_text=_("字段名 → 新值（services.PERSON_FIELDS 中的字段）"))


class CorrectionInputSerializer(serializers.Serializer):
    """A correction of an application: received or returned, written at once; completed, a request
    to the county office (a reason is required)."""

    household = serializers.DictField(required=False, default=dict, label=_("户的更正字段"),
                                      help_text=_("字段名 → 新值（services.HOUSEHOLD_FIELDS 中的字段）"))
    members = CorrectionMemberInputSerializer(many=True, required=False, default=list)
    completed_on = serializers.DateField(required=False, allow_null=True, label=_("更正后的办结日期"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                   label=_("更正理由"))


class CorrectionLineSerializer(serializers.Serializer):
    what = serializers.CharField()
    name = serializers.CharField()
    field = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class CorrectionSerializer(serializers.Serializer):
    """A correction request: its diff as lines (ID numbers masked), why, who, and the moves allowed."""

    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    lines = CorrectionLineSerializer(many=True)
    reason = serializers.CharField()
    has_evidence = serializers.SerializerMethodField()
    requested_by = serializers.CharField(source="requested_by.username", default=None)
    requested_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.username", default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    allowed_moves = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_evidence(self, obj):
        return bool(obj.evidence)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_moves(self, obj):
        user = self.context.get("request").user if self.context.get("request") else None
        return [m.name for m in CorrectionRequest.WORKFLOW.moves_for(obj, user)]


class CorrectionMoveSerializer(serializers.Serializer):
    """One move of CorrectionRequest.WORKFLOW."""

    move = serializers.ChoiceField(choices=[(m.name, m.label) for m in CorrectionRequest.WORKFLOW], label=_("操作"),
                                   help_text=_move_table(CorrectionRequest.WORKFLOW))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("说明"))


class EvidenceSerializer(serializers.Serializer):
    evidence = serializers.FileField(label=_("证明材料（PDF、JPEG 或 PNG）"))
