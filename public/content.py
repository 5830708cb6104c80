"""The first text of the service guide, drawn from the city government's report of 24 October 2012
to the standing committee of the Zhaotong People's Congress. The seed migration loads it once; the
city office edits it afterwards (GuideEntry keeps every revision). ``{days}`` in a body is filled
with the time limit in working days (settings.NZC_TIME_LIMIT_WORKING_DAYS) when the page is shown.

Each entry: (section, key, title, body, proof).
"""

POLICY = [
    ("policy", "two_identities", "兼有两个身份、享有五项保留、提供五项保障",
     "农业人口转变为城镇居民（简称“农转城”）后，您兼有两个身份：既是城镇居民，又保留原来在农村享有的权益。\n\n"
     "转户后享有五项保留：土地承包经营权、林地承包权和林木所有权、宅基地及农房使用权、原户籍地计划生育政策、"
     "参与原农村集体经济组织资产收益分红权。\n\n"
     "城镇为转户人员提供五项保障：城镇住房、养老、医疗、就业、教育。\n\n"
     "转户是自愿的。农村的承包地、林地、宅基地不会因为转户被收回；今后如需流转，须依法、自愿、有偿。", ""),
    ("policy", "where", "在哪里办理",
     "全市190个基层派出所设立了转户绿色通道，实行“一站式”服务。请带齐材料到户口所在地的派出所办理，"
     "也可以先打电话咨询。各派出所的地址、电话和办公时间见“办理地点”。", ""),
]

RETENTIONS = [
    ("retention", "farmland", "土地承包经营权",
     "转户后，您家原来承包的耕地继续由您家承包经营，承包期内不收回。可以自己种，也可以依法自愿有偿流转给别人种。", ""),
    ("retention", "forest", "林地承包权和林木所有权",
     "原来承包的林地继续由您承包，自己种的林木仍归您所有，可以依法流转。", ""),
    ("retention", "homestead", "宅基地及农房使用权",
     "老家的宅基地和房屋继续归您使用，转户不影响。", ""),
    ("retention", "family_planning", "原户籍地计划生育政策（5年过渡期）",
     "转为城镇居民的农民实施5年的计划生育政策过渡期：从办结转户之日起5年内，仍按原户籍地（农村）的计划生育政策执行，"
     "不因转户立即改按城镇居民的政策。", ""),
    ("retention", "collective_dividend", "集体经济组织资产收益分红权",
     "您仍是原农村集体经济组织的成员，继续参与集体资产收益的分红。", ""),
]

GUARANTEES = [
    ("guarantee", "housing", "城镇住房",
     "符合条件的转户家庭可以申请公共租赁住房、廉租住房。全市已启动建设3万套公租房，优先解决转户困难群众的住房问题。"
     "住房保障须按条件申请，不是转户后自动享受。", ""),
    ("guarantee", "pension", "养老",
     "转户后可按规定参加城镇职工或城镇居民养老保险。", ""),
    ("guarantee", "medical", "医疗",
     "转户后可按规定参加城镇职工或城镇居民基本医疗保险。", ""),
    ("guarantee", "employment", "就业",
     "提供职业技能培训、就业岗位信息和创业贷款扶持，帮助转户人员在城镇就业创业。", ""),
    ("guarantee", "education", "教育",
     "转户家庭的子女可以在城镇学校就近入学，义务教育阶段学生按规定享受“两免一补”。", ""),
]

CATEGORIES = [
    ("category", "reservoir_migrant", "水库和电站移民",
     "因修建水库、电站而搬迁的移民。转户后原有的库区移民扶持政策按规定继续执行。",
     "移民管理机构出具的移民身份证明"),
    ("category", "small_town", "小集镇建设吸纳人员",
     "因小集镇建设被吸纳到集镇居住、生活的农村居民。",
     "乡镇人民政府出具的集镇建设吸纳证明或集镇住房证明"),
    ("category", "migrant_worker", "进城务工经商人员",
     "在城镇务工、经商的农村居民。",
     "劳动合同、用工单位证明或营业执照"),
    ("category", "graduate", "农村籍大中专毕业生",
     "户口在农村的大学、中专、技校毕业生。",
     "毕业证书"),
    ("category", "veteran", "农村籍退役士兵",
     "户口在农村的退役士兵。",
     "退出现役证（退伍证）"),
    ("category", "new_gen_worker", "新生代农民工",
     "在城镇务工的年轻一代农民工。",
     "劳动合同或用工单位证明"),
    ("category", "land_expropriated", "已征用地未转非人员",
     "土地已被征用、但户口还没有转为非农业户口的人员。",
     "国土资源部门出具的征地证明或征地批复"),
    ("category", "urban_village", "城中村居民",
     "居住在城镇规划区内村庄（城中村）的居民。",
     "村（居）民委员会出具的居住证明"),
    ("category", "collective_support", "农村集体供养对象",
     "由农村集体供养的五保对象。",
     "五保供养证"),
    ("category", "kin_in_town", "三代以内直系亲属长期居住城镇的农村居民",
     "父母、子女、祖父母、孙子女等三代以内直系亲属长期居住在城镇的农村居民。",
     "亲属关系证明和亲属的城镇户口簿"),
    ("category", "other", "其它",
     "不属于以上类别、但符合转户条件的农村居民，请先到派出所绿色通道咨询。",
     "窗口工作人员告知的相关证明"),
]

DOCUMENTS = [
    ("document", "hukou_booklet", "户口簿", "全户的户口簿原件。", ""),
    ("document", "id_card", "居民身份证", "每一位转户成员的居民身份证原件（未满16周岁的可不带）。", ""),
    ("document", "application_form", "农转城申请表", "在派出所窗口领取并填写，也可以请窗口工作人员帮助填写。", ""),
    ("document", "category_proof", "转户类别证明",
     "证明您属于哪一类转户人员的材料，例如毕业证、退伍证、移民证明，见“哪些人可以申请”。", ""),
    ("document", "urban_residence_proof", "城镇居住证明", "房产证、购房合同或租赁合同等城镇住所证明。", ""),
]

PROCEDURE = [
    ("procedure", "steps", "办理流程",
     "1. 带齐材料到派出所转户绿色通道。\n\n"
     "2. 窗口核对材料、登记全户和转户成员，当场出具受理回执，回执上有申请编号和查询二维码。\n\n"
     "3. 材料不全的，窗口会退回补正并写明需补正的材料；补齐后重新受理，时限重新计算。\n\n"
     "4. 办结后，凭回执到派出所领取材料。", ""),
    ("procedure", "time_limit", "办理时限",
     "材料齐全的，自受理之日起{days}个工作日内办结，法定节假日不计入。", ""),
    ("procedure", "opening_hours", "办公时间",
     "周一至周五 上午8:30—12:00，下午14:30—18:00（法定节假日除外）。", ""),
    ("procedure", "lookup", "查询办理进度",
     "用受理回执上的申请编号，加上任一转户成员身份证号码的后6位，可以在本网站查询办理进度；"
     "扫描回执上的二维码可直接打开查询页面。", ""),
]

ENTRIES = POLICY + RETENTIONS + GUARANTEES + CATEGORIES + DOCUMENTS + PROCEDURE
