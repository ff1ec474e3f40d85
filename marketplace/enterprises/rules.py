"""The evaluation rules, in one place, every threshold as data (a test per band edge: tests/test_enterprise_rules.py).

Sources:
- 科技型中小企业 score: 《科技型中小企业评价办法》(国科发政〔2017〕115号), 附件《科技型中小企业评价指标》:
  科技人员 20 points, 研发投入 50 points (the better of R&D/sales and R&D/cost), 科技成果 30 points;
  qualified at ≥ 60 points with a 科技人员 score that is not 0, within the size limits (≤ 500 staff,
  sales ≤ 2 亿元, total assets ≤ 2 亿元). 第六条(二): a valid 高新技术企业 certificate, or a standard led
  (国际/国家/行业标准), qualifies directly once the size limits hold.
- 高新技术企业 readiness: 《高新技术企业认定管理办法》(国科发火〔2016〕32号) 第十一条: registered ≥ 1 year
  by the application; core IP owned; 科技人员 ≥ 10 % of staff; R&D over the last three years ≥ 5 % / 4 % / 3 %
  of sales for a latest-year sales ≤ 5,000 万 / ≤ 2 亿 / above; high-tech revenue ≥ 60 % of total revenue.

Every figure is a Decimal in 万元 (or a count); nothing here touches the database. `evaluate(years, profile)`
returns an Evaluation; the services store it and move the pools.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

HUNDRED = Decimal(100)

# ---------------------------------------------------------------- the tables (国科发政〔2017〕115号)
# (lower bound in %, inclusive) -> points; below the last bound: 0 points.
STAFF_BANDS = ((30, 20), (25, 16), (20, 12), (15, 8), (10, 4))           # 科技人员 / 职工总数
RD_SALES_BANDS = ((6, 50), (5, 40), (4, 30), (3, 20), (2, 10))           # 研发费用 / 销售收入
RD_COST_BANDS = ((30, 50), (25, 40), (20, 30), (15, 20), (10, 10))       # 研发费用 / 成本费用总额
IP_CLASS1_POINTS = 30                                                    # 1 项及以上 Ⅰ 类知识产权
IP_CLASS2_BANDS = ((4, 24), (3, 18), (2, 12), (1, 6))                    # Ⅱ 类知识产权项数 -> points
SME_PASS_SCORE = 60
SME_MAX_EMPLOYEES = 500
SME_MAX_SALES = Decimal("20000")   # 2 亿元, in 万元
SME_MAX_ASSETS = Decimal("20000")

# ---------------------------------------------------------------- 高企 (国科发火〔2016〕32号)
HTE_STAFF_MIN = Decimal(10)                                   # 科技人员 ≥ 10 %
HTE_RD_BANDS = ((Decimal("5000"), Decimal(5)), (Decimal("20000"), Decimal(4)), (None, Decimal(3)))  # sales ≤ x → %
HTE_HIGH_TECH_MIN = Decimal(60)                               # 高新技术产品（服务）收入 ≥ 60 %
HTE_YEARS = 3                                                 # R&D over the last three years
HTE_CERT_VALID_YEARS = 3

# ---------------------------------------------------------------- the pools (the district's own choices)
NEAR_SME_MIN_SCORE = 45          # 准科技型: not qualified and 45–59, or ≥ 60 with a missing datum
# 准高企: at most one condition short, and by no more than this (percentage points; IP: missing at all).
NEAR_HTE_MARGINS = {"staff": Decimal(3), "rd": Decimal(1), "high_tech": Decimal(15), "ip": None}
HTE_WINDOW = (6, 30)             # the yearly application window closes about 30 June ("by the next window")

FIGURE_FIELDS = ("employees", "tech_staff", "revenue", "rd_expense", "total_cost", "high_tech_revenue",
                 "total_assets", "net_assets", "ip_class1", "ip_class2", "standards_led")

POOL_NEAR_SME, POOL_NEAR_HTE = "准科技型", "准高企"
TAG_SME, TAG_NEAR_SME, TAG_NEAR_HTE, TAG_HTE = "科技型中小企业", "准科技型", "准高企", "高新技术企业"
TAG_INVENTION, TAG_RD_HIGH, TAG_GROWTH = "有发明专利", "研发投入强度高", "成长型"
RD_HIGH_MIN = Decimal(6)         # 研发投入强度高: R&D/sales ≥ 6 % (the top band of the national table)
GROWTH_MIN = Decimal(20)         # 成长型: revenue up ≥ 20 % on the year before
COMPUTED_TAGS = (TAG_SME, TAG_NEAR_SME, TAG_NEAR_HTE, TAG_HTE, TAG_INVENTION, TAG_RD_HIGH, TAG_GROWTH)


@dataclass
class Condition:
    """One 高企 condition: met (True/False/None = unknown), and how far short."""
    key: str
    label: str
    met: object
    message: str
    short_by: object = None  # percentage points (Decimal), or None


@dataclass
class Evaluation:
    year: object
    score: int
    components: dict
    qualified: bool
    missing: list            # figure names the score needed but were not given
    conditions: list         # the 高企 Conditions
    gaps: list = field(default_factory=list)   # [{"item", "message"}]
    tags: list = field(default_factory=list)
    pools: list = field(default_factory=list)
    hte: bool = False

    def as_dict(self):
        return {"year": self.year, "score": self.score, "components": dict(self.components),
                "qualified": self.qualified, "gaps": list(self.gaps), "tags": list(self.tags),
                "pools": list(self.pools)}


def percent(part, whole):
    """part / whole in %, a Decimal; None when either is unknown or whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


def band_points(value, bands):
    """Points of the first band whose lower bound `value` reaches; 0 below all; None when unknown."""
    if value is None:
        return None
    for bound, points in bands:
        if value >= bound:
            return points
    return 0


def next_band(value, bands):
    """(bound, points) of the next band above `value`, or None at the top."""
    above = None
    for bound, points in bands:
        if value is None or value < bound:
            above = (bound, points)
    return above


def ip_points(class1, class2):
    if class1 is None and class2 is None:
        return None
    if class1:
        return IP_CLASS1_POINTS
    return band_points(class2 or 0, IP_CLASS2_BANDS)


def fmt(value, places=1):
    text = f"{Decimal(value):.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_needed(target_percent, base, current):
    """万元 more of `current` to reach target_percent of `base` (rounded up to whole 万元)."""
    needed = Decimal(target_percent) * Decimal(base) / HUNDRED - Decimal(current)
    return max(needed, Decimal(0)).to_integral_value(rounding=ROUND_CEILING)


# ---------------------------------------------------------------- 科技型中小企业

def sme_score(figures):
    """(score, components, missing) of one year's figures (a dict of FIGURE_FIELDS)."""
    get = figures.get
    staff = band_points(percent(get("tech_staff"), get("employees")), STAFF_BANDS)
    by_sales = band_points(percent(get("rd_expense"), get("revenue")), RD_SALES_BANDS)
    by_cost = band_points(percent(get("rd_expense"), get("total_cost")), RD_COST_BANDS)
    rd = None if by_sales is None and by_cost is None else max(by_sales or 0, by_cost or 0)
    ip = ip_points(get("ip_class1"), get("ip_class2"))
    components = {"staff": staff or 0, "rd": rd or 0, "ip": ip or 0}
    missing = [name for name, value in (("staff", staff), ("rd", rd), ("ip", ip)) if value is None]
    return sum(components.values()), components, missing


def within_size(figures):
    """True / False, or None when a size figure is unknown."""
    checks = [(figures.get("employees"), SME_MAX_EMPLOYEES), (figures.get("revenue"), SME_MAX_SALES),
              (figures.get("total_assets"), SME_MAX_ASSETS)]
    if any(value is not None and value > limit for value, limit in checks):
        return False
    return None if any(value is None for value, _ in checks) else True


def _sme_gaps(figures, components, missing, size_ok):
    get, gaps = figures.get, []
    if size_ok is False:
        gaps.append({"item": "size", "message": "超出科技型中小企业规模（职工 ≤ 500 人，销售收入和资产总额 ≤ 2 亿元）"})
    for name in missing:
        gaps.append({"item": "data", "message": f"缺少数据：{MISSING_LABELS[name]}"})
    if "staff" not in missing and components["staff"] < STAFF_BANDS[0][1]:
        ratio = percent(get("tech_staff"), get("employees"))
        bound, points = next_band(ratio, STAFF_BANDS)
        people = (Decimal(bound) * get("employees") / HUNDRED - get("tech_staff")).to_integral_value(ROUND_CEILING)
        gaps.append({"item": "staff", "message": f"科技人员占比 {fmt(ratio)}%，距 {bound}% 差 {fmt(bound - ratio)} 个百分点，"
                                                 f"约 {people} 人（可得 {points} 分）"})
    if "rd" not in missing and components["rd"] < RD_SALES_BANDS[0][1] and get("revenue"):
        ratio = percent(get("rd_expense"), get("revenue"))
        bound, points = next_band(ratio, RD_SALES_BANDS)
        amount = money_needed(bound, get("revenue"), get("rd_expense"))
        gaps.append({"item": "rd", "message": f"研发投入占比 {fmt(ratio)}%，距 {bound}% 差 {fmt(bound - ratio)} 个百分点，"
                                              f"约 {amount} 万元（可得 {points} 分）"})
    if "ip" not in missing and components["ip"] < IP_CLASS1_POINTS:
        gaps.append({"item": "ip", "message": f"尚无Ⅰ类知识产权（发明专利等）；现有Ⅱ类 {get('ip_class2') or 0} 项，"
                                              f"取得 1 项Ⅰ类知识产权可得 {IP_CLASS1_POINTS} 分"})
    return gaps


MISSING_LABELS = {"staff": "职工总数与科技人员数", "rd": "研发费用、销售收入或成本费用总额",
                  "ip": "知识产权（Ⅰ类、Ⅱ类）项数", "size": "职工总数、销售收入或资产总额"}


# ---------------------------------------------------------------- 高新技术企业

def next_window(today):
    month, day = HTE_WINDOW
    window = date(today.year, month, day)
    return window if window >= today else date(today.year + 1, month, day)


def hte_conditions(years, registered_on, today):
    """The five conditions of 第十一条 for the latest year of `years` ({year: figures}, ascending)."""
    latest_year = max(years) if years else None
    latest = years.get(latest_year, {}) if years else {}
    window = next_window(today)
    conditions = []
    if registered_on is None:
        conditions.append(Condition("registration", "注册成立满一年", None, "缺少注册日期"))
    else:
        anniversary = _plus_years(registered_on, 1)
        ok = anniversary <= window
        conditions.append(Condition("registration", "注册成立满一年", ok,
                                    "已满足" if ok else f"{anniversary.isoformat()} 方满一年，晚于下一申报期（{window.isoformat()}）"))
    class1, class2 = latest.get("ip_class1"), latest.get("ip_class2")
    if class1 is None and class2 is None:
        conditions.append(Condition("ip", "拥有核心自主知识产权", None, "缺少知识产权数据"))
    else:
        ok = bool(class1) or bool(class2)
        conditions.append(Condition("ip", "拥有核心自主知识产权", ok,
                                    "已满足" if ok else "尚无知识产权：需取得发明专利、实用新型或软件著作权等"))
    conditions.append(_ratio_condition("staff", "科技人员占比 ≥ 10%", latest.get("tech_staff"),
                                       latest.get("employees"), HTE_STAFF_MIN, "科技人员占比", "人"))
    conditions.append(_rd_condition(years))
    conditions.append(_ratio_condition("high_tech", "高新技术产品收入占比 ≥ 60%", latest.get("high_tech_revenue"),
                                       latest.get("revenue"), HTE_HIGH_TECH_MIN, "高新技术产品收入占比", "万元"))
    return conditions


def _ratio_condition(key, label, part, whole, minimum, name, unit):
    ratio = percent(part, whole)
    if ratio is None:
        return Condition(key, label, None, f"缺少数据，无法计算{name}")
    if ratio >= minimum:
        return Condition(key, label, True, f"{name} {fmt(ratio)}%，已满足")
    more = (minimum * Decimal(whole) / HUNDRED - Decimal(part)).to_integral_value(ROUND_CEILING)
    return Condition(key, label, False, f"{name} {fmt(ratio)}%，距 {fmt(minimum)}% 差 {fmt(minimum - ratio)} 个百分点，"
                                       f"约 {more} {unit}", minimum - ratio)


def hte_rd_minimum(sales):
    for limit, minimum in HTE_RD_BANDS:
        if limit is None or sales <= limit:
            return minimum


def _rd_condition(years):
    label = "近三年研发费用占销售收入比例达标"
    recent = [years[y] for y in sorted(years)[-HTE_YEARS:]]
    if not recent or any(f.get("rd_expense") is None or f.get("revenue") is None for f in recent):
        return Condition("rd", label, None, "缺少近三年研发费用或销售收入")
    rd = sum(f["rd_expense"] for f in recent)
    sales = sum(f["revenue"] for f in recent)
    minimum = hte_rd_minimum(recent[-1]["revenue"])
    ratio = percent(rd, sales)
    if ratio is None:
        return Condition("rd", label, None, "近三年销售收入为 0，无法计算")
    if ratio >= minimum:
        return Condition("rd", label, True, f"近{len(recent)}年研发投入占比 {fmt(ratio)}%，已达 {fmt(minimum)}%")
    amount = money_needed(minimum, sales, rd)
    return Condition("rd", label, False, f"研发投入占比 {fmt(ratio)}%，距 {fmt(minimum)}% 差 {fmt(minimum - ratio)} 个百分点，"
                                        f"约 {amount} 万元", minimum - ratio)


def _plus_years(day, n):
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)


def hte_valid(cert_on, today):
    return cert_on is not None and _plus_years(cert_on, HTE_CERT_VALID_YEARS) > today


def hte_issued_after(today):
    """A certificate is still valid on `today` when it was issued after this day (the same rule, for SQL)."""
    return _plus_years(today, -HTE_CERT_VALID_YEARS)


def near_hte(conditions):
    """At most one of IP/staff/R&D/high-tech short, within its margin, none unknown; registration met."""
    by_key = {c.key: c for c in conditions}
    if by_key["registration"].met is not True:
        return False
    short = []
    for key, margin in NEAR_HTE_MARGINS.items():
        condition = by_key[key]
        if condition.met is None:
            return False
        if condition.met is False:
            if margin is not None and condition.short_by > margin:
                return False
            short.append(key)
    return len(short) <= 1


# ---------------------------------------------------------------- everything together

def evaluate(years, registered_on=None, hte_cert_on=None, field_name=None, today=None):
    """The evaluation of an enterprise from its yearly figures ({year: {figure: value}})."""
    today = today or date.today()
    latest_year = max(years) if years else None
    latest = years.get(latest_year, {}) if years else {}
    score, components, missing = sme_score(latest)
    size_ok = within_size(latest)
    if size_ok is None:
        missing = missing + ["size"]
    hte = hte_valid(hte_cert_on, today)
    direct = size_ok is True and (hte or bool(latest.get("standards_led")))
    qualified = size_ok is True and (direct or (score >= SME_PASS_SCORE and components["staff"] > 0 and not missing))
    conditions = hte_conditions(years, registered_on, today)
    gaps = [] if qualified else _sme_gaps(latest, components, missing, size_ok)
    if not hte:
        gaps += [{"item": c.key, "message": f"高企条件「{c.label}」：{c.message}"} for c in conditions if c.met is not True]
    pools = []
    if not qualified and size_ok is not False and (
            NEAR_SME_MIN_SCORE <= score < SME_PASS_SCORE or (score >= SME_PASS_SCORE and missing)):
        pools.append(POOL_NEAR_SME)
    if not hte and (qualified or score >= SME_PASS_SCORE) and near_hte(conditions):
        pools.append(POOL_NEAR_HTE)
    result = Evaluation(latest_year, score, components, qualified, missing, conditions, gaps, pools=pools, hte=hte)
    result.tags = computed_tags(result, years, field_name)
    return result


def computed_tags(result, years, field_name):
    latest = years.get(result.year, {}) if years else {}
    tags = []
    if result.qualified:
        tags.append(TAG_SME)
    tags += [pool for pool in (POOL_NEAR_SME, POOL_NEAR_HTE) if pool in result.pools]
    if result.hte:
        tags.append(TAG_HTE)
    if latest.get("ip_class1"):
        tags.append(TAG_INVENTION)
    intensity = percent(latest.get("rd_expense"), latest.get("revenue"))
    if intensity is not None and intensity >= RD_HIGH_MIN:
        tags.append(TAG_RD_HIGH)
    before = years.get(result.year - 1, {}) if result.year else {}
    growth = percent((latest.get("revenue") or 0) - (before.get("revenue") or 0), before.get("revenue"))
    if latest.get("revenue") is not None and growth is not None and growth >= GROWTH_MIN:
        tags.append(TAG_GROWTH)
    if field_name:
        tags.append(field_name)
    return tags
