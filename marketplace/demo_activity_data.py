"""The activity `flask seed-demo` plays on the demo listings: 揭榜 applications, a challenge carried
through to its milestones, enquiries, the broker's deals in every stage and subscriptions.

Listings and users are named by title and by the user keys of demo_data.USERS. Day offsets are
relative to the day of seeding (negative: in the past), so the demo stays fresh whenever it is loaded.
"""

# ---------------------------------------------------------------- 揭榜挂帅

# Open challenges receive applications; outcome: submitted | shortlisted | declined (code, reason).
CHALLENGE_APPLICATIONS = [
    dict(challenge="锂电池极片表面缺陷在线视觉检测", applications=[
        dict(applicant="r1", quote="180", outcome="shortlisted",
             proposal="基于团队已产业化的深度学习表面缺陷检测系统，采用 16K 线阵相机配合明暗场组合光源，"
                      "以小样本迁移学习识别划痕、漏箔、气泡和褶皱，并用 FPGA 预处理保证 100 m/min 线速度下的实时性。",
             team="项目负责人李明远教授，团队 8 人，其中博士 3 人；已在 3 家锂电企业部署同类系统。",
             plan="第 1–2 月：样本采集与标注；第 3–4 月：算法训练与离线验证；第 5–6 月：产线联调与验收。"),
        dict(applicant="r3", quote="260", outcome="declined", decline=(
            "quote", "报价 260 万元超出榜单悬赏金额，且未说明超出部分的资金来源。"),
             proposal="采用 3D 结构光与 2D 图像融合检测方案，兼顾极片表面缺陷与厚度一致性检测。",
             team="东海工业技术研究院智能检测中心，团队 12 人。",
             plan="6 个月完成样机，9 个月完成产线验证。"),
    ]),
    dict(challenge="光伏组件用低温银浆国产化", applications=[
        dict(applicant="r3", quote="280", outcome="shortlisted",
             proposal="以片状与球形银粉级配、低温固化环氧树脂体系为核心，已完成小试配方 5 轮迭代，"
                      "体电阻率 4.6 μΩ·cm，焊接拉力 1.8 N/mm，附第三方检测报告。",
             team="电子浆料课题组，团队 6 人，拥有 3 项银浆相关发明专利。",
             plan="第 1–3 月：配方优化与可靠性测试；第 4–6 月：吨级中试及客户端验证。"),
        dict(applicant="r1", quote="300", outcome="declined", decline=(
            "indicators", "小试样品体电阻率 7.2 μΩ·cm，未达到榜单要求的 ≤5 μΩ·cm。"),
             proposal="采用纳米银包铜粉降低银耗，配合低温烧结助剂提升导电性。",
             team="滨江大学新材料学院功能材料团队。",
             plan="第 1–4 月：纳米银包铜粉制备；第 5–8 月：浆料配方与印刷验证。"),
    ]),
]

# A challenge carried through close → select → start, with its milestones (the first one accepted).
CHALLENGE_CARRIED = dict(
    challenge="动力电池高镍正极材料循环寿命提升",
    close_note="已收到两份完整方案，发榜方提前截止征集，进入评审。",
    applications=[
        dict(applicant="r1", quote="480", selected=True,
             proposal="采用共沉淀前驱体粒径精确控制与两段烧结制备单晶 NCM811，表面包覆 Li₃PO₄ 快离子导体层，"
                      "抑制高温下的界面副反应与产气。",
             team="滨江大学新能源材料团队，团队 10 人，已建成百公斤级正极材料中试线。",
             plan="第 1–3 月：单晶化与包覆工艺小试；第 4–9 月：中试放大及 45 ℃ 循环验证。"),
        dict(applicant="r3", quote="420",
             proposal="采用原子层沉积 Al₂O₃ 包覆多晶 NCM811，改善高温循环稳定性。",
             team="东海工业技术研究院储能材料组，团队 7 人。",
             plan="第 1–6 月：包覆工艺开发；第 7–10 月：软包电池验证。"),
    ],
    milestones=[
        dict(title="单晶 NCM811 小试工艺验证", share_percent=40, due_days=20,
             report="完成 3 批次小试，0.1C 放电比容量 206 mAh/g，45 ℃ 1C 循环 300 次容量保持率 96.5%，检测报告已上传。",
             accept="小试数据经我司实验室复测属实，同意验收。"),
        dict(title="中试放大与 45 ℃ 循环 1000 次验证", share_percent=60, due_days=150),
    ],
)

# ---------------------------------------------------------------- enquiries and deals

ENQUIRIES = [
    dict(key="q_coating", user="e1", achievement="高熵合金耐磨涂层及激光熔覆工艺", mode="合作开发",
         message="我司石墨化炉导辊和烧结炉推杆磨损严重，希望在贵团队高熵合金涂层的基础上联合开发耐高温耐磨涂层，"
                 "可提供中试场地和工况数据。"),
    dict(key="q_asf", user="e3", achievement="非洲猪瘟病毒现场快速检测试纸条", mode="转让",
         message="公司下属 6 个规模猪场每年检测需求约 20 万份，拟受让该技术并自建试纸条生产线，"
                 "希望了解专利法律状态与转让报价。"),
    dict(key="q_slam", user="e2", achievement="AGV 激光 SLAM 导航定位装置", mode="许可",
         message="我司仓储 AGV 项目需要无反射板导航模组，希望取得实施许可并批量采购，年需求约 500 套。"),
]

# Deals the demo broker works, opened from an enquiry (by key) or a stored match (demand, achievement).
# days: when each step happened (offsets from today); the signing and registration dates follow them.
DEALS = [
    dict(match=("寻求高导热石墨烯散热膜量产工艺", "高导热石墨烯导热膜连续化制备技术"), stage="commercialized",
         contract_type="技术转让", amount="320.00", registration_serial=318,
         days=dict(open=-160, sign=-128, register=-112, deliver=-105, complete=-21),
         delivery="工艺包、设备清单与操作规程已移交，发明人团队驻厂指导 3 个月。",
         outcome="年产 50 万平方米散热膜产线已投产，良品率 92%，预计首年新增销售收入约 6800 万元。",
         notes=["双方就专利转让与后续改进成果归属达成一致，改进成果归受让方所有。",
                "产线验收通过，已协助企业申报省级首台（套）新材料应用项目。"]),
    dict(enquiry="q_asf", stage="registered", contract_type="技术转让", amount="135.00", registration_serial=1045,
         days=dict(open=-75, sign=-44, register=-30),
         notes=["已核实专利权属与年费缴纳情况，专利维持有效。"],
         next_step=("办理专利权转让著录项目变更，安排发明人进行生产工艺培训", 7)),
    dict(match=("协作机器人力控打磨工艺包", "六轴协作机器人力控打磨系统"), stage="delivering",
         contract_type="技术许可", amount="85.50", registration_serial=862,
         days=dict(open=-110, sign=-82, register=-70, deliver=-56),
         delivery="首套力控打磨工作站已在客户卫浴五金产线安装调试，离线编程软件完成部署。",
         notes=["许可方式为普通许可，期限 5 年，覆盖卫浴五金与汽车零部件两个应用领域。"],
         next_step=("现场验收首批 500 件龙头样品的打磨质量", 5)),
    dict(enquiry="q_coating", stage="contract_signed", contract_type="技术开发", amount="95.00",
         days=dict(open=-48, sign=-13),
         notes=["企业提供 3 种典型工况样件，课题组负责涂层设计与激光熔覆工艺开发。"],
         next_step=("整理合同文本与研发预算，提交技术合同认定登记", 4)),
    dict(match=("耐盐碱水稻品种引进与示范种植", "抗稻瘟病高产水稻新品种“明湖稻 8 号”"), stage="negotiating",
         days=dict(open=-26),
         notes=["企业关注品种在含盐 0.3%–0.4% 滩涂的表现，育种团队建议先行小面积试种。"],
         next_step=("约双方赴沿海示范基地现场考察，确认试种面积与许可费", -3)),
    dict(match=("无人机植保精准变量施药技术", "无人机多光谱作物长势监测与精准施肥系统"), stage="terminated",
         days=dict(open=-90, terminate=-34),
         terminate_reason="需求方决定改为采购第三方植保飞防服务，暂不引进技术，双方同意终止洽谈。",
         notes=["双方对数据归属和后续维护费用分歧较大，已多次沟通。"]),
]

# ---------------------------------------------------------------- subscriptions

SUBSCRIPTIONS = [
    dict(user="e1", field="新材料", keywords="石墨烯、散热、涂层", kind=None),
    dict(user="e1", field="新能源", keywords="正极材料、钠离子电池", kind="achievement"),
]
