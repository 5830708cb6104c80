"""Reference code lists: transfer categories, income sources and bands, employment, GB/T 3304 ethnicity, GB/T 4658 education,
GB/T 2261.2 marital status, relation to the head of household, required documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The nine priority groups (九类重点转户人群), plus kin-in-town and other."""

    RESERVOIR_MIGRANT = "reservoir_migrant", _("水库和电站移民")
    SMALL_TOWN = "small_town", _("小集镇建设吸纳人员")
    MIGRANT_WORKER = "migrant_worker", _("进城务工经商人员")
    GRADUATE = "graduate", _("农村籍大中专毕业生")
    VETERAN = "veteran", _("农村籍退役士兵")
    NEW_GEN_WORKER = "new_gen_worker", _("新生代农民工")
    LAND_EXPROPRIATED = "land_expropriated", _("已征用地未转非人员")
    URBAN_VILLAGE = "urban_village", _("城中村居民")
    COLLECTIVE_SUPPORT = "collective_support", _("农村集体供养对象")
    KIN_IN_TOWN = "kin_in_town", _("三代以内直系亲属长期居住城镇的农村居民")
    OTHER = "other", _("其它")


PRIORITY_CATEGORIES = [c for c in Category.values if c not in ("kin_in_town", "other")]

# City-wide eligible pool found by the 2012 survey (调查摸底), persons.
SURVEY_ELIGIBLE_2012 = {
    "reservoir_migrant": 77_200,
    "small_town": 55_400,
    "migrant_worker": 85_600,
    "graduate": 18_700,
    "veteran": 9_100,
    "new_gen_worker": 95_300,
    "land_expropriated": 104_100,
    "urban_village": 374_200,
    "collective_support": 8_600,
    "kin_in_town": 38_100,
    "other": 2_700,
}


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Ethnicity(models.TextChoices):
    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    TIBETAN = "04", _("藏族")
    UYGHUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYI = "09", _("布依族")
    KOREAN = "10", _("朝鲜族")
    MANCHU = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAKH = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    WA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KYRGYZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSSIAN = "44", _("俄罗斯族")
    EWENKI = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")
    OTHER = "97", _("其他")
    FOREIGN_ORIGIN = "98", _("外国血统中国籍人士")


class Education(models.TextChoices):
    POSTGRADUATE = "10", _("研究生")
    BACHELOR = "20", _("大学本科")
    COLLEGE = "30", _("大学专科")
    VOCATIONAL = "40", _("中等职业教育")
    SENIOR_HIGH = "60", _("普通高级中学")
    JUNIOR_HIGH = "70", _("初级中学")
    PRIMARY = "80", _("小学")
    OTHER = "90", _("其他")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "10", _("未婚")
    MARRIED = "20", _("已婚")
    WIDOWED = "30", _("丧偶")
    DIVORCED = "40", _("离婚")
    NOT_STATED = "90", _("未说明")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    OTHER = "other", _("其他")


class IncomeSource(models.TextChoices):
    """The household's main source of income (家庭主要收入来源)."""

    CROPS = "crops", _("种植业")
    LIVESTOCK = "livestock", _("养殖业")
    MIGRANT_WORK = "migrant_work", _("外出务工")
    LOCAL_WORK = "local_work", _("本地务工")
    BUSINESS = "business", _("个体经营")
    PROPERTY = "property", _("财产性收入")
    TRANSFERS = "transfers", _("转移性收入")
    OTHER = "other", _("其他")


class Employment(models.TextChoices):
    """A person's employment status (就业状况)."""

    FARMING = "farming", _("务农")
    EMPLOYED = "employed", _("受雇务工")
    SELF_EMPLOYED = "self_employed", _("个体经营")
    FLEXIBLE = "flexible", _("灵活就业")
    STUDENT = "student", _("在校学生")
    UNEMPLOYED = "unemployed", _("未就业")
    RETIRED = "retired", _("离退休")
    UNABLE = "unable", _("无劳动能力")


class IncomeBand(models.TextChoices):
    """Bands of a household's annual income (yuan); ``households.income.income_band`` places an amount."""

    UNDER_5K = "0-5k", _("5千元以下")
    FROM_5K = "5k-10k", _("5千至1万元")
    FROM_10K = "10k-20k", _("1万至2万元")
    FROM_20K = "20k-50k", _("2万至5万元")
    FROM_50K = "50k+", _("5万元及以上")
    UNKNOWN = "none", _("未填")


class HouseholdKind(models.TextChoices):
    AGRICULTURAL = "agricultural", _("农业家庭户")
    NON_AGRICULTURAL = "non_agricultural", _("非农业家庭户")
    RESIDENT = "resident", _("居民家庭户")
    COLLECTIVE = "collective", _("集体户")


class Document(models.TextChoices):
    """The documents a green channel checks for every application."""

    HUKOU_BOOKLET = "hukou_booklet", _("户口簿")
    ID_CARD = "id_card", _("居民身份证")
    APPLICATION_FORM = "application_form", _("农转城申请表")
    CATEGORY_PROOF = "category_proof", _("转户类别证明（毕业证、退伍证、移民证明等）")
    URBAN_RESIDENCE_PROOF = "urban_residence_proof", _("城镇居住证明（房产证、租赁合同等）")


REQUIRED_DOCUMENTS = list(Document.values)
