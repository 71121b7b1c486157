"""Demo 事前强准入: a year before the reform (2025) and the year after (2026).

Every record goes through the real services (create, submit, vote, revise, withdraw, merge,
record, file, accept, return, amend), so each has its audit event and its state passed through the
state machine. Actions run in date order on one timeline, each with `now=` set to its date.

2025, the "before": 27 items, most recorded after the fact — their contracts were signed before
the item was approved (pre-approval rate 0), several filed late. 2026, the "after": 22 items
(−18.5 %), cuts by the finance bureau saving about 4.9 % of the approved budget, one rejection, one
rejection revised into an approved v2, one withdrawal, two items merged into an overlapping one,
one application refused by the negative list (it stays a draft), three still under review (one
overdue); 22 contracts filed and accepted over the two years, one signed but not filed (overdue),
one returned for correction; in 2026 every contract is signed after its item's approval.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.accounts.services import create_user
from zerodisturb.commissioning import services as items
from zerodisturb.commissioning.choices import Decision
from zerodisturb.commissioning.defaults import ensure_county_defaults
from zerodisturb.commissioning.models import CommissionedItem, ItemVersion
from zerodisturb.contracts import services as contracts
from zerodisturb.contracts.figures import commissioning_figures
from zerodisturb.contracts.models import Contract, ContractVersion
from zerodisturb.demo import cixi
from zerodisturb.demo.foundation import DEMO_PASSWORD
from zerodisturb.notifications.services import mark_read
from zerodisturb.registry.choices import OrganisationKind, PersonKind
from zerodisturb.registry.models import Organisation, Person
from zerodisturb.roles import Role
from zerodisturb.workdays.services import add_working_days

COUNTY = cixi.COUNTY[0]
REVIEWER_LOGINS = ["review_sfj", "review_czj", "review_bb", "review_fgj", "review_sjj"]
LEAD, FINANCE, ESTABLISHMENT = 0, 1, 2
# Notifications about what happened before this day are marked read: the demo inboxes show what
# is live now (open reviews, recent filings), not a year of history.
INBOX_CUTOFF = date(2026, 10, 1)

# Agency officers the demo needs besides yjj and sthj: (username, agency short name, label).
EXTRA_OFFICERS = [
    ("xfdd", "消防救援大队", "消防救援大队 俞科长"),
    ("scjg", "市场监管局", "市场监管局 方科长"),
    ("zjj", "住建局", "住建局 施科长"),
    ("wjj", "卫健局", "卫健局 龚科长"),
]
AGENCY_OF = {
    "yjj": "应急管理局",
    "sthj": "生态环境分局",
    **{login: short for login, short, _ in EXTRA_OFFICERS},
}

# Provider indexes into cixi.PROVIDERS
ANTAI, LVYUAN, PINGAN, ZHONGCHENG, HENGXIN, MINGDA = range(6)

LAW = {
    "aqsc": "《中华人民共和国安全生产法》第十五条、第六十五条；《浙江省安全生产条例》",
    "aqsc_wh": "《中华人民共和国安全生产法》第十五条；《危险化学品安全管理条例》第六条",
    "xf": "《中华人民共和国消防法》第三十四条；《消防监督检查规定》",
    "yj": "《中华人民共和国突发事件应对法》；《生产安全事故应急条例》第五条",
    "hb": "《中华人民共和国环境保护法》第十七条、第二十四条",
    "hb_air": "《中华人民共和国大气污染防治法》第二十四条；《中华人民共和国环境保护法》第二十四条",
    "hb_waste": "《中华人民共和国固体废物污染环境防治法》第七十七条；《中华人民共和国环境保护法》第二十四条",
    "hb_soil": "《中华人民共和国土壤污染防治法》第二十一条",
    "hb_water": "《中华人民共和国水污染防治法》第二十二条；《中华人民共和国环境保护法》第十七条",
    "food": "《中华人民共和国食品安全法》第八十七条",
    "product": "《中华人民共和国产品质量法》第十五条",
    "tzsb": "《中华人民共和国特种设备安全法》第五十七条、第六十一条",
    "jl": "《中华人民共和国计量法》第九条",
    "build": "《中华人民共和国安全生产法》第十五条；《建设工程安全生产管理条例》第四十条",
    "gas": "《城镇燃气管理条例》第四十一条；《中华人民共和国安全生产法》第十五条",
    "zyb": "《中华人民共和国职业病防治法》第二十六条、第六十二条",
    "fs": "《放射性同位素与射线装置安全和防护条例》；《中华人民共和国职业病防治法》第二十六条",
}
WHY = {
    "work_safety": "本机关执法人员数量有限，且缺少化工工艺、电气、特种作业等专业背景，"
    "隐患辨识需借助注册安全工程师等专业技术力量；第三方只提供技术意见，执法由本机关人员进行。",
    "fire_emergency": "消防设施检测、火灾风险评估需具备资质的专业机构和检测设备，"
    "本单位缺少相应仪器和持证技术人员。",
    "ecology": "环境监测和污染治理设施评估须由具备 CMA 资质的机构使用专业设备完成，"
    "本局监测力量不足以覆盖全市重点单位。",
    "market": "抽样检验须由具备法定资质的检验检测机构承担，本局无检验能力；"
    "技术辅助人员仅提供检验数据和风险提示。",
}


@dataclass
class Deal:
    """A contract under an item: its provider, dates and what happens to its filing."""

    provider: int
    signed: date
    filed: date | None = None  # None: signed and recorded, never filed
    returned: str = ""  # returned for correction with this reason, not refiled
    staff: int = 3
    amend: tuple[date, str] | None = None  # (signed, note): a staff change, filed and accepted
    unfiled: bool = False  # signed and recorded, never filed


@dataclass
class Spec:
    key: str
    login: str
    domain: str
    title: str
    scope: str
    law: str
    sectors: list[str]
    budget: int
    submitted: date
    outcome: str = "approve"  # approve cut reject revise withdraw merge open negative
    cut_to: int | None = None
    rejecter: int = LEAD
    votes: int = 5  # for open items: how many departments have voted
    merge_into: str = ""
    withdraw_reason: str = ""
    revised: tuple[int, str] | None = None  # (budget, scope) of v2
    reject_reason: str = ""
    deal: Deal | None = None
    months: int = 12
    enterprises: int = 0


def _d(text: str) -> date:
    return date.fromisoformat(text)


# fmt: off
SPECS_2025 = [
    Spec("h01", "yjj", "work_safety", "化工企业安全生产隐患排查技术辅助（2025年度）",
         "对全市化工、危化品使用企业开展安全生产隐患排查技术辅助，重点为工艺安全、储罐区和动火作业。",
         LAW["aqsc_wh"], ["chemical"], 480_000, _d("2025-03-17"), enterprises=12,
         deal=Deal(ANTAI, _d("2025-02-20"))),
    Spec("h02", "yjj", "work_safety", "工贸企业粉尘涉爆安全技术咨询",
         "对涉粉尘爆炸危险的金属制品、木制品企业开展除尘系统安全技术咨询和风险提示。",
         LAW["aqsc"], ["machinery", "other"], 260_000, _d("2025-03-10"),
         deal=Deal(ANTAI, _d("2025-03-03"))),
    Spec("h03", "yjj", "work_safety", "有限空间作业安全风险辨识技术服务",
         "协助辨识污水处理、食品加工等企业的有限空间，提出作业安全风险提示。",
         LAW["aqsc"], ["food", "chemical_fibre"], 180_000, _d("2025-04-14")),
    Spec("h04", "yjj", "fire_emergency", "应急预案评审与演练评估技术咨询",
         "为重点企业应急预案评审和应急演练评估提供专家技术意见。",
         LAW["yj"], ["chemical"], 120_000, _d("2025-05-12")),
    Spec("h05", "xfdd", "fire_emergency", "消防设施检测技术咨询",
         "对消防安全重点单位的自动报警、喷淋和防排烟系统开展检测技术咨询。",
         LAW["xf"], ["appliance", "electronics"], 220_000, _d("2025-04-03"),
         deal=Deal(PINGAN, _d("2025-04-01"))),
    Spec("h06", "xfdd", "fire_emergency", "“三合一”场所火灾隐患辨识技术辅助",
         "协助辨识生产、仓储、住宿“三合一”场所的火灾隐患并提出技术建议。",
         LAW["xf"], ["trade", "logistics"], 150_000, _d("2025-05-19")),
    Spec("h07", "xfdd", "fire_emergency", "高层建筑消防安全评估技术服务",
         "对高层公共建筑和厂房开展消防安全评估，形成技术报告。",
         LAW["xf"], ["logistics"], 300_000, _d("2025-06-09"),
         deal=Deal(PINGAN, _d("2025-05-06"))),
    Spec("h08", "sthj", "ecology", "重点排污单位环境监测技术服务",
         "对重点排污单位废水、废气排放开展监督性监测，出具监测数据。",
         LAW["hb"], ["chemical", "chemical_fibre"], 560_000, _d("2025-06-30"),
         deal=Deal(LVYUAN, _d("2025-06-25"),
                   amend=(_d("2026-03-16"), "原技术员离职，更换辅助人员一名，其他条款不变"))),
    Spec("h09", "sthj", "ecology", "涉VOCs企业废气治理设施运行技术评估",
         "评估涉挥发性有机物企业废气收集和治理设施的运行效果，提出改进建议。",
         LAW["hb_air"], ["plastics", "chemical"], 380_000, _d("2025-04-21"),
         deal=Deal(LVYUAN, _d("2025-03-20"))),
    Spec("h10", "sthj", "ecology", "危险废物规范化管理技术帮扶",
         "为产废单位危险废物贮存、转移台账提供技术帮扶。",
         LAW["hb_waste"], ["chemical", "electronics"], 240_000, _d("2025-07-14")),
    Spec("h11", "sthj", "ecology", "土壤污染重点监管单位隐患排查技术审核",
         "对土壤污染重点监管单位自行开展的隐患排查报告进行技术审核。",
         LAW["hb_soil"], ["chemical"], 200_000, _d("2025-07-21"), outcome="reject",
         rejecter=FINANCE,
         reject_reason="资金来源未落实，且与省级土壤污染重点监管单位技术帮扶项目重复安排，不同意。"),
    Spec("h12", "scjg", "market", "食品生产企业食品安全风险监测抽样检验",
         "对食品生产企业的产品开展风险监测抽样检验，提供检验数据。",
         LAW["food"], ["food"], 350_000, _d("2025-05-06"),
         deal=Deal(ZHONGCHENG, _d("2025-03-25"))),
    Spec("h13", "scjg", "market", "小家电产品质量监督抽查检验技术服务",
         "对小家电生产企业的产品开展监督抽查检验，提供检验报告。",
         LAW["product"], ["appliance"], 280_000, _d("2025-06-18"),
         deal=Deal(ZHONGCHENG, _d("2025-06-16"))),
    Spec("h14", "scjg", "market", "特种设备安全隐患排查技术辅助",
         "对使用压力容器、起重机械的企业开展特种设备安全隐患排查技术辅助。",
         LAW["tzsb"], ["machinery", "auto_parts"], 260_000, _d("2025-08-11"),
         outcome="cut", cut_to=235_000),
    Spec("h15", "scjg", "market", "计量器具检定技术辅助",
         "协助对企业在用计量器具开展检定。",
         LAW["jl"], ["trade"], 90_000, _d("2025-09-08"), outcome="reject",
         rejecter=ESTABLISHMENT,
         reject_reason="强制检定由法定计量检定机构依职责承担，不属于可委托的辅助服务，不同意。"),
    Spec("h16", "zjj", "work_safety", "建筑施工安全生产技术巡查辅助",
         "对在建工程开展深基坑、高支模、起重机械等安全技术巡查辅助。",
         LAW["build"], ["building"], 420_000, _d("2025-08-04"),
         deal=Deal(HENGXIN, _d("2025-04-28"))),
    Spec("h17", "zjj", "work_safety", "城镇燃气安全隐患排查技术辅助",
         "对餐饮、工业燃气用户的燃气设施开展隐患排查技术辅助。",
         LAW["gas"], ["food", "trade"], 230_000, _d("2025-08-18")),
    Spec("h18", "wjj", "work_safety", "工作场所职业病危害因素检测技术服务",
         "对存在粉尘、噪声、化学毒物的企业工作场所开展职业病危害因素检测。",
         LAW["zyb"], ["chemical_fibre", "plastics"], 210_000, _d("2025-08-25"),
         deal=Deal(MINGDA, _d("2025-08-20"))),
    Spec("h19", "wjj", "work_safety", "重点行业职业健康技术指导",
         "为重点行业企业职业健康管理提供技术指导。",
         LAW["zyb"], ["machinery"], 130_000, _d("2025-09-15"), outcome="withdraw", votes=2,
         withdraw_reason="与省卫生健康委年度职业健康帮扶项目重复，主动撤回。"),
    Spec("h20", "yjj", "work_safety", "危险化学品经营企业安全技术指导",
         "为危险化学品经营（带储存）企业提供安全技术指导和风险提示。",
         LAW["aqsc_wh"], ["chemical", "trade"], 160_000, _d("2025-09-22")),
    Spec("h21", "yjj", "work_safety", "安全生产标准化建设技术辅导",
         "为规模以上工贸企业安全生产标准化建设提供技术辅导。",
         LAW["aqsc"], ["machinery", "appliance"], 140_000, _d("2025-10-13")),
    Spec("h22", "sthj", "ecology", "建设项目环保“三同时”技术核查辅助",
         "对新建项目环保设施“三同时”落实情况提供技术核查辅助。",
         LAW["hb"], ["electronics", "auto_parts"], 170_000, _d("2025-10-20")),
    Spec("h23", "sthj", "ecology", "入河排污口排查溯源技术服务（一期）",
         "对主要河道入河排污口开展排查、监测和溯源技术服务。",
         LAW["hb_water"], ["chemical_fibre", "food"], 310_000, _d("2025-10-27"),
         deal=Deal(LVYUAN, _d("2025-10-09"))),
    Spec("h24", "scjg", "market", "电动自行车及配件产品质量技术检测",
         "对电动自行车及电池、充电器等配件开展产品质量技术检测。",
         LAW["product"], ["electronics", "auto_parts"], 150_000, _d("2025-11-05"),
         deal=Deal(ZHONGCHENG, _d("2025-11-03"))),
    Spec("h25", "xfdd", "fire_emergency", "消防安全重点单位培训技术服务",
         "为消防安全重点单位的消防安全管理人提供培训技术服务。",
         LAW["xf"], ["appliance"], 80_000, _d("2025-11-17")),
    Spec("h26", "zjj", "work_safety", "既有建筑安全隐患排查技术辅助",
         "对老旧厂房等既有建筑开展结构安全隐患排查技术辅助。",
         LAW["build"], ["building", "other"], 190_000, _d("2025-12-01")),
    Spec("h27", "wjj", "work_safety", "放射诊疗设备防护检测技术服务",
         "对医疗机构放射诊疗设备开展防护性能检测。",
         LAW["fs"], ["other"], 60_000, _d("2025-12-08")),
]

SPECS_2026 = [
    Spec("a01", "yjj", "work_safety", "化工企业安全生产隐患排查技术辅助",
         "对全市化工、危化品使用企业开展安全生产隐患排查技术辅助，重点为工艺安全、储罐区和动火作业，"
         "同步提示消防和环境风险，一次入企、综合查一次。",
         LAW["aqsc_wh"], ["chemical"], 520_000, _d("2026-01-12"), outcome="cut", cut_to=468_000,
         enterprises=12, deal=Deal(ANTAI, _d("2026-02-02"))),
    Spec("m01", "sthj", "ecology", "化工企业环境风险隐患排查技术辅助",
         "对全市化工企业开展环境风险隐患排查技术辅助，重点为储罐区、危险废物贮存和应急池。",
         LAW["hb"], ["chemical"], 260_000, _d("2026-01-19"), outcome="merge", merge_into="a01",
         enterprises=10),
    Spec("a02", "yjj", "work_safety", "工贸企业粉尘涉爆与有限空间安全技术咨询",
         "将粉尘涉爆和有限空间两项技术咨询合并为一项，对涉粉尘、有限空间作业企业提供安全技术咨询和风险提示。",
         LAW["aqsc"], ["machinery", "food", "other"], 360_000, _d("2026-02-03"),
         deal=Deal(ANTAI, _d("2026-02-26"))),
    Spec("m02", "xfdd", "fire_emergency", "化工企业消防安全隐患排查技术辅助",
         "对化工企业的消防设施、防火分隔和易燃易爆物品储存开展消防安全隐患排查技术辅助。",
         LAW["xf"], ["chemical"], 180_000, _d("2026-02-05"), outcome="merge", merge_into="a01",
         enterprises=8),
    Spec("a03", "xfdd", "fire_emergency", "消防设施检测技术咨询",
         "对消防安全重点单位的自动报警、喷淋和防排烟系统开展检测技术咨询。",
         LAW["xf"], ["appliance", "electronics"], 200_000, _d("2026-03-02"),
         deal=Deal(PINGAN, _d("2026-03-23"))),
    Spec("a05", "sthj", "ecology", "重点排污单位环境监测技术服务",
         "对重点排污单位废水、废气排放开展监督性监测，出具监测数据。",
         LAW["hb"], ["chemical", "chemical_fibre"], 580_000, _d("2026-03-09"), outcome="cut",
         cut_to=540_000, deal=Deal(LVYUAN, _d("2026-03-30"))),
    Spec("a07", "sthj", "ecology", "危险废物规范化环境管理技术帮扶",
         "对全市约300家产废单位开展危险废物贮存、转移和台账全面技术帮扶，每家每季度入企一次。",
         LAW["hb_waste"], ["chemical", "electronics", "plastics", "auto_parts"], 400_000,
         _d("2026-03-16"), outcome="revise",
         reject_reason="服务对象覆盖全部产废单位、每季度入企一次，频次过高，且与2025年度帮扶内容重复，"
         "不符合“能少则少”要求；请聚焦重点产废单位、压减入企频次后重新申报。",
         revised=(220_000, "聚焦60家危险废物重点产废单位，对贮存、转移和台账管理提供技术帮扶，"
                  "每家全年入企不超过2次，并与应急管理局化工隐患排查同步开展。"),
         deal=Deal(LVYUAN, _d("2026-05-18"))),
    Spec("a08", "scjg", "market", "食品生产企业风险监测抽样检验技术服务",
         "对食品生产企业的产品开展风险监测抽样检验，提供检验数据和风险提示。",
         LAW["food"], ["food"], 330_000, _d("2026-03-23"),
         deal=Deal(ZHONGCHENG, _d("2026-04-13"))),
    Spec("r01", "scjg", "market", "商品条码及计量标识核查技术辅助",
         "协助核查商贸企业商品条码和计量标识的使用情况。",
         LAW["jl"], ["trade"], 90_000, _d("2026-04-07"), outcome="reject", rejecter=ESTABLISHMENT,
         reject_reason="商品条码和计量标识核查属于本机关日常监管职责，现有执法人员能够承担，"
         "不宜委托第三方，不同意。"),
    Spec("a04", "xfdd", "fire_emergency", "人员密集场所火灾风险技术评估",
         "对商场、宾馆、劳动密集型企业等人员密集场所开展火灾风险技术评估。",
         LAW["xf"], ["trade", "appliance"], 260_000, _d("2026-04-20"), outcome="cut",
         cut_to=230_000, deal=Deal(PINGAN, _d("2026-05-18"))),
    Spec("a09", "scjg", "market", "特种设备安全隐患排查技术辅助",
         "对使用压力容器、起重机械和场（厂）内机动车辆的企业开展特种设备安全隐患排查技术辅助。",
         LAW["tzsb"], ["machinery", "auto_parts"], 280_000, _d("2026-05-11"), outcome="cut",
         cut_to=250_000, deal=Deal(ZHONGCHENG, _d("2026-06-01"))),
    Spec("a11", "zjj", "work_safety", "建筑施工安全生产技术巡查辅助",
         "对在建工程开展深基坑、高支模、起重机械等危大工程安全技术巡查辅助。",
         LAW["build"], ["building"], 450_000, _d("2026-05-18"), outcome="cut", cut_to=411_500,
         deal=Deal(HENGXIN, _d("2026-06-08"))),
    Spec("w01", "xfdd", "fire_emergency", "消防安全重点单位“户籍化”管理台账整理技术服务",
         "协助消防安全重点单位整理“户籍化”管理台账。",
         LAW["xf"], ["appliance"], 70_000, _d("2026-06-01"), outcome="withdraw", votes=2,
         withdraw_reason="经联审沟通，该项工作可由大队防火监督员结合日常检查自行完成，主动撤回申请。"),
    Spec("a06", "sthj", "ecology", "涉VOCs重点企业治理设施运行技术评估",
         "评估涉挥发性有机物重点企业废气收集和治理设施的运行效果，提出改进建议。",
         LAW["hb_air"], ["plastics", "chemical"], 340_000, _d("2026-06-08"),
         deal=Deal(LVYUAN, _d("2026-06-29"))),
    Spec("a10", "scjg", "market", "电动自行车产品质量监督抽查检验",
         "对电动自行车及电池、充电器产品开展监督抽查检验。",
         LAW["product"], ["electronics", "auto_parts"], 160_000, _d("2026-06-22")),
    Spec("a13", "yjj", "fire_emergency", "应急预案评审与演练评估技术咨询",
         "为重点企业应急预案评审和应急演练评估提供专家技术意见。",
         LAW["yj"], ["chemical"], 100_000, _d("2026-08-10")),
    Spec("a12", "wjj", "work_safety", "工作场所职业病危害因素检测技术服务",
         "对存在粉尘、噪声、化学毒物的企业工作场所开展职业病危害因素检测。",
         LAW["zyb"], ["chemical_fibre", "plastics"], 200_000, _d("2026-09-14"),
         deal=Deal(MINGDA, _d("2026-10-28"), unfiled=True)),
    Spec("a14", "zjj", "work_safety", "城镇燃气用户安全隐患排查技术辅助",
         "对餐饮、工业燃气用户的燃气设施、报警装置开展隐患排查技术辅助。",
         LAW["gas"], ["food", "trade"], 240_000, _d("2026-09-21"), outcome="cut", cut_to=216_000,
         deal=Deal(HENGXIN, _d("2026-11-13"), filed=_d("2026-11-17"),
                   returned="合同第五条未列明辅助人员名单，服务范围写有“协助认定整改情况”，"
                   "超出联审批准的技术辅助范围；请删除该表述、补充人员名单后重新报备。")),
    Spec("u01", "sthj", "ecology", "入河排污口排查溯源技术服务（二期）",
         "对一期未覆盖的河道入河排污口开展排查、监测和溯源技术服务。",
         LAW["hb_water"], ["chemical_fibre", "food"], 290_000, _d("2026-10-20"),
         outcome="open", votes=3),
    Spec("a15", "wjj", "work_safety", "重点行业职业健康技术指导",
         "为化纤、塑料制品等重点行业企业职业健康管理提供技术指导。",
         LAW["zyb"], ["chemical_fibre", "plastics"], 120_000, _d("2026-10-26")),
    Spec("u02", "yjj", "work_safety", "危险化学品企业安全生产标准化技术辅导",
         "为危险化学品生产、储存企业安全生产标准化复评提供技术辅导。",
         LAW["aqsc_wh"], ["chemical"], 150_000, _d("2026-11-16"), outcome="open", votes=2),
    Spec("u03", "scjg", "market", "小家电产品质量监督抽查检验技术服务",
         "对小家电生产企业的产品开展监督抽查检验，提供检验报告。",
         LAW["product"], ["appliance"], 260_000, _d("2026-11-23"), outcome="open", votes=0),
    Spec("n01", "yjj", "work_safety", "工贸企业安全生产执法检查辅助",
         "由服务机构单独开展检查，对发现的隐患下达整改通知并跟踪闭环。",
         LAW["aqsc"], ["machinery"], 200_000, _d("2026-09-07"), outcome="negative"),
]
# fmt: on

APPROVE = {
    0: [
        "经审查，该事项属于技术咨询和风险提示等辅助性服务，不涉及行政检查、认定和处罚等执法权，"
        "法律依据充分，同意委托。",
        "服务内容限于技术辅助，入企须由执法人员陪同，符合《行政执法领域委托第三方辅助服务事项审核"
        "管理办法》要求，同意。",
    ],
    1: [
        "预算已列入部门年度预算，测算依据基本合理，同意。",
        "经费测算明细清楚，人工和检测单价符合市场行情，同意。",
    ],
    2: [
        "机关现有人员缺乏相应专业技术资质，确需借助第三方技术力量，不涉及以购买服务替代编制，同意。",
        "事项不属于应由在编人员直接履行的法定职责，同意委托。",
    ],
    3: [
        "事项与年度重点工作相衔接，经比对未发现与其他部门同类服务重复，同意。",
        "已核对全市委托事项清单，服务对象与其他部门事项无明显交叉，同意。",
    ],
    4: [
        "资金使用范围明确，请按合同约定分期支付并留存服务过程记录，以备审计，同意。",
        "同意。请委托机关建立服务成果验收台账，确保资金绩效可评价。",
    ],
}
CUT = [
    "经核，现场服务人天数和报告编制费测算偏高，核减至 {amount:,} 元后同意。",
    "参照同类项目政府采购成交价，核定预算为 {amount:,} 元，核减部分不予安排。",
    "检测点位数量与实际需求不符，按核实后的点位重新测算，核减至 {amount:,} 元后同意。",
]
MERGE_OPINION = (
    "经重叠比对，本事项与 {number}（{agency}“{title}”）服务对象高度重合，建议并入该事项统一实施、"
    "一次入企综合查一次，本事项不再单独委托，不同意。"
)


@dataclass
class _Step:
    at: datetime
    order: int
    run: Callable[[], None]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _month_start(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _wd(day: date, n: int) -> date:
    return add_working_days(day, n).date


@dataclass
class _Seeder:
    rng: random.Random
    users: dict[str, User] = field(default_factory=dict)
    providers: list[Organisation] = field(default_factory=list)
    staff: dict[int, list[Person]] = field(default_factory=dict)
    items: dict[str, CommissionedItem] = field(default_factory=dict)
    contracts: dict[str, Contract] = field(default_factory=dict)
    steps: list[_Step] = field(default_factory=list)

    def at(self, when: datetime, run: Callable[[], None]) -> None:
        self.steps.append(_Step(when, len(self.steps), run))

    # --- the plan of one item -------------------------------------------------------------------
    def plan(self, spec: Spec) -> None:
        officer = self.users[spec.login]
        created = spec.submitted - timedelta(days=self.rng.randint(2, 6))
        self.at(_at(created, 9, 30), lambda: self.create(spec, officer, created))
        if spec.outcome == "negative":
            self.at(_at(spec.submitted, 10), lambda: self.refused(spec, officer))
            return
        self.submit_at(spec, officer, spec.submitted)
        order = self.rng.sample([1, 2, 3, 4], 4) + [LEAD]  # the lead department votes last
        days = {dept: _wd(spec.submitted, offset) for offset, dept in enumerate(order, start=1)}
        outcome = spec.outcome
        if outcome in ("approve", "cut"):
            for dept in order:
                cut = spec.cut_to if outcome == "cut" and dept == FINANCE else None
                self.vote_at(spec, dept, days[dept], cut=cut)
            decided = days[LEAD]
        elif outcome in ("reject", "revise"):
            voters = [d for d in order if d != spec.rejecter][:2] + [spec.rejecter]
            for offset, dept in enumerate(voters, start=1):
                reject = dept == spec.rejecter
                self.vote_at(spec, dept, _wd(spec.submitted, offset), reject=reject)
            decided = _wd(spec.submitted, 3)
            if outcome == "revise":
                decided = self.plan_revision(spec, officer, decided)
        elif outcome == "withdraw":
            for offset, dept in enumerate(order[: spec.votes], start=1):
                self.vote_at(spec, dept, _wd(spec.submitted, offset))
            when = _wd(spec.submitted, spec.votes + 2)
            self.at(_at(when, 11), lambda: self.withdraw(spec, officer))
            return
        elif outcome == "merge":
            self.plan_merge(spec)
            return
        elif outcome == "open":
            for offset, dept in enumerate(order[: spec.votes], start=1):
                self.vote_at(spec, dept, _wd(spec.submitted, offset))
            return
        else:
            raise ValueError(spec.outcome)
        if spec.deal:
            self.plan_contract(spec, decided)

    def plan_revision(self, spec: Spec, officer: User, rejected: date) -> date:
        revise_on, resubmit_on = _wd(rejected, 4), _wd(rejected, 6)
        self.at(_at(revise_on, 9), lambda: self.revise(spec, officer, revise_on))
        self.submit_at(spec, officer, resubmit_on)
        order = self.rng.sample([1, 2, 3, 4], 4) + [LEAD]
        for offset, dept in enumerate(order, start=1):
            self.vote_at(spec, dept, _wd(resubmit_on, offset))
        return _wd(resubmit_on, len(order))

    def plan_merge(self, spec: Spec) -> None:
        marked = _wd(spec.submitted, 2)
        supervisor = self.users["sfj"]

        def mark() -> None:
            target = self.items[spec.merge_into]
            note = f"与 {target.number} 服务对象重合，建议并入统一实施"
            items.mark_merge(supervisor, self.item(spec), target, note)

        self.at(_at(marked, 11), mark)
        self.vote_at(spec, FINANCE, _wd(spec.submitted, 1))
        self.vote_at(spec, LEAD, _wd(spec.submitted, 3), reject=True)

    def plan_contract(self, spec: Spec, decided: date) -> None:
        deal, officer, sfj = spec.deal, self.users[spec.login], self.users["sfj"]
        # A contract can be recorded only under an approved item: in 2025 the contract had been
        # signed long before and was recorded the working day after the approval; in 2026 it is
        # signed after the approval and recorded the working day after the signing.
        recorded = _wd(max(decided, deal.signed), 1)
        self.at(_at(recorded, 9), lambda: self.record(spec, recorded))
        if deal.unfiled:
            return  # signed and recorded, never filed: overdue
        filed = deal.filed or (
            recorded if deal.signed < decided else _wd(deal.signed, self.rng.randint(3, 8))
        )
        filed = max(filed, recorded)
        self.at(
            _at(filed, 10),
            lambda: contracts.file_contract(officer, self.contract(spec), now=_at(filed, 10)),
        )
        decided_on = _wd(filed, 2)
        if deal.returned:
            self.at(
                _at(decided_on, 15),
                lambda: contracts.return_filing(
                    sfj, self.contract(spec), deal.returned, now=_at(decided_on, 15)
                ),
            )
            return
        self.at(
            _at(decided_on, 15),
            lambda: contracts.accept_filing(sfj, self.contract(spec), now=_at(decided_on, 15)),
        )
        if deal.amend:
            signed, note = deal.amend
            amend_filed, amend_accepted = _wd(signed, 2), _wd(signed, 4)
            self.at(_at(signed, 16), lambda: self.amend(spec, signed, note))
            self.at(
                _at(amend_filed, 10),
                lambda: contracts.file_contract(
                    officer, self.contract(spec), now=_at(amend_filed, 10)
                ),
            )
            self.at(
                _at(amend_accepted, 15),
                lambda: contracts.accept_filing(
                    sfj, self.contract(spec), now=_at(amend_accepted, 15)
                ),
            )

    def submit_at(self, spec: Spec, officer: User, day: date) -> None:
        self.at(_at(day, 10), lambda: items.submit_item(officer, self.item(spec), now=_at(day, 10)))

    def vote_at(
        self, spec: Spec, dept: int, day: date, *, cut: int | None = None, reject: bool = False
    ) -> None:
        when = _at(day, 14 + dept, self.rng.randrange(0, 60))
        self.at(when, lambda: self.vote(spec, dept, when, cut=cut, reject=reject))

    # --- the actions, run in date order ---------------------------------------------------------
    def item(self, spec: Spec) -> CommissionedItem:
        return CommissionedItem.objects.get(pk=self.items[spec.key].pk)

    def contract(self, spec: Spec) -> Contract:
        return Contract.objects.get(pk=self.contracts[spec.key].pk)

    def officer_of(self, spec: Spec) -> User:
        return self.users[spec.login]

    def data(self, spec: Spec, budget: int, scope: str) -> dict:
        agency = AGENCY_OF[spec.login]
        began = min(spec.submitted, spec.deal.signed) if spec.deal else spec.submitted
        start = _month_start(began, 1)
        end = _month_start(start, spec.months) - timedelta(days=1)
        targets = []
        if spec.enterprises:
            pool = list(
                Organisation.objects.filter(
                    county_code=COUNTY, kind=OrganisationKind.ENTERPRISE, sector__in=spec.sectors
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            targets = sorted(random.Random(spec.title).sample(pool, spec.enterprises))
        return {
            "domain": spec.domain,
            "title": spec.title,
            "content": f"{scope}服务方式：受托机构派员在{agency}工作人员陪同下入企，"
            f"开展技术咨询和风险提示，形成技术报告供{agency}参考；受托机构不得向企业推销有偿服务，"
            "不得转委托。",
            "legal_basis": f"{spec.law}；《行政执法领域委托第三方辅助服务事项审核管理办法》",
            "why_external": WHY[spec.domain],
            "target_sectors": spec.sectors,
            "target_enterprises": targets,
            "period_start": start,
            "period_end": end,
            "requested_budget": str(budget),
        }

    def create(self, spec: Spec, officer: User, day: date) -> None:
        item = items.create_item(officer, self.data(spec, spec.budget, spec.scope))
        self.items[spec.key] = item
        # create_item takes no date: set the historical creation time of the rows it made, that
        # field only (the audit event keeps the time it was written).
        when = _at(day, 9, 30)
        CommissionedItem.objects.filter(pk=item.pk).update(created_at=when)
        ItemVersion.objects.filter(item=item).update(created_at=when)

    def refused(self, spec: Spec, officer: User) -> None:
        try:
            items.submit_item(officer, self.item(spec), now=_at(spec.submitted, 10))
        except ValidationError:
            return  # refused by the negative list, as designed: the item stays a draft
        raise RuntimeError(f"{spec.title} 应被负面清单拒绝")

    def vote(self, spec, dept: int, when: datetime, *, cut=None, reject=False) -> None:
        reviewer = self.users[REVIEWER_LOGINS[dept]]
        item = self.item(spec)
        if reject and spec.outcome == "merge":
            target = self.items[spec.merge_into]
            opinion = MERGE_OPINION.format(
                number=target.number,
                agency=target.agency.short_name,
                title=target.current_version.title,
            )
        elif reject:
            opinion = spec.reject_reason
        elif cut:
            opinion = self.rng.choice(CUT).format(amount=cut)
        else:
            opinion = self.rng.choice(APPROVE[dept])
        decision = Decision.REJECT if reject else Decision.APPROVE_CUT if cut else Decision.APPROVE
        items.cast_review_vote(reviewer, item, decision, opinion, amount=cut, now=when)

    def revise(self, spec: Spec, officer: User, day: date) -> None:
        item = items.revise_item(officer, self.item(spec))
        budget, scope = spec.revised
        items.update_draft(officer, item, self.data(spec, budget, scope))
        ItemVersion.objects.filter(pk=item.current_version_id).update(created_at=_at(day, 9))

    def withdraw(self, spec: Spec, officer: User) -> None:
        items.withdraw_item(officer, self.item(spec), spec.withdraw_reason)  # takes no date

    def record(self, spec: Spec, day: date) -> None:
        deal, item = spec.deal, self.item(spec)
        staff = self.staff[deal.provider]
        chosen = [staff[0], *self.rng.sample(staff[1:], deal.staff - 1)]
        version = item.current_version
        # the winning bid: about 97 % of the approved budget, in whole thousands of yuan
        amount = (item.approved_budget * Decimal("0.97") / 1000).quantize(Decimal("1")) * 1000
        data = {
            "provider": self.providers[deal.provider].pk,
            "amount": str(amount),
            "signed_on": deal.signed,
            "term_start": max(version.period_start, deal.signed),
            "term_end": version.period_end,
            "scope": f"{version.title}：{version.content}",
            "no_subentrustment": True,
            "staff": [p.pk for p in chosen],
        }
        when = _at(day, 9)
        contract = contracts.record_contract(
            self.officer_of(spec), item, data, _pdf(spec.key), f"{spec.key}.pdf", now=when
        )
        self.contracts[spec.key] = contract
        # `now` only judges the dates (signed by then): the rows get the historical time here.
        Contract.objects.filter(pk=contract.pk).update(created_at=when)
        ContractVersion.objects.filter(contract=contract).update(created_at=when)

    def amend(self, spec: Spec, signed: date, note: str) -> None:
        contract = self.contract(spec)
        current = contract.current_version
        staff = list(current.staff.order_by("pk"))
        spare = [p for p in self.staff[spec.deal.provider] if p not in staff]
        staff[-1] = spare[0]
        data = {
            "amount": str(current.amount),
            "signed_on": signed,
            "term_start": current.term_start,
            "term_end": current.term_end,
            "scope": current.scope,
            "no_subentrustment": True,
            "staff": [p.pk for p in staff],
        }
        contract = contracts.amend_contract(
            self.officer_of(spec), contract, data, _pdf(spec.key + "-v2"), note, now=_at(signed, 16)
        )
        ContractVersion.objects.filter(pk=contract.current_version_id).update(
            created_at=_at(signed, 16)  # the historical time, as in record
        )


def _pdf(key: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
        + f"% zerodisturb demo contract {key}\n".encode()
        + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def _logins(seeder: _Seeder) -> None:
    admin = User.objects.get(username="admin")
    agencies = {
        o.short_name: o for o in Organisation.objects.filter(county_code=COUNTY, is_agency=True)
    }
    for username, short, label in EXTRA_OFFICERS:
        create_user(
            admin,
            username=username,
            password=DEMO_PASSWORD,
            role=Role.AGENCY_OFFICER,
            organisation=agencies[short],
            display_name=label,
        )
    _load(seeder)


def _load(seeder: _Seeder) -> None:
    """The logins, providers and provider staff the plans act with."""
    wanted = ["sfj", *REVIEWER_LOGINS, *AGENCY_OF]
    seeder.users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    by_name = {o.name: o for o in Organisation.objects.filter(county_code=COUNTY, kind="provider")}
    seeder.providers = [by_name[name] for name, _ in cixi.PROVIDERS]
    for index, provider in enumerate(seeder.providers):
        seeder.staff[index] = list(
            Person.objects.filter(organisation=provider, kind=PersonKind.STAFF).order_by("pk")
        )


def walk(rng: random.Random, specs: list[Spec], staff: dict[int, list[Person]]) -> dict:
    """Walk further items (the renewal's) through the same plans on a county already seeded;
    `staff` replaces a provider's staff list (its first person is on each of its contracts)."""
    seeder = _Seeder(rng)
    _load(seeder)
    seeder.staff.update(staff)
    for spec in specs:
        seeder.plan(spec)
    for step in sorted(seeder.steps, key=lambda s: (s.at, s.order)):
        step.run()
    return {"items": seeder.items, "contracts": seeder.contracts}


def seed_commissioning(rng: random.Random, log) -> dict:
    """Build the two years once; the caller runs it only when the county has no items yet."""
    ensure_county_defaults(COUNTY)
    seeder = _Seeder(rng)
    _logins(seeder)
    for spec in SPECS_2025 + SPECS_2026:
        seeder.plan(spec)
    inbox_cleared = False
    for step in sorted(seeder.steps, key=lambda s: (s.at, s.order)):
        if not inbox_cleared and step.at.date() >= INBOX_CUTOFF:
            for user in User.objects.filter(organisation__county_code=COUNTY):
                mark_read(user)
            inbox_cleared = True
        step.run()
    lines = summary_lines()
    for line in lines:
        log(line)
    return {"items": seeder.items, "contracts": seeder.contracts}


def summary_lines(county: str = COUNTY) -> list[str]:
    def pct(value) -> str:
        return "—" if value is None else f"{value:.1%}"

    lines = []
    for year in (2025, 2026):
        f = {fig.key: fig for fig in commissioning_figures(county, year)}
        items_fig = f["items"]
        change = items_fig.extra.get("change")
        lines.append(
            f"{year} 年：申报事项 {items_fig.value:.0f} 项"
            + (f"（同比 {change:+.1%}）" if change is not None else "")
            + f"，批准 {f['approved_items'].value:.0f} 项，"
            f"先报批率 {pct(f['pre_approval_rate'].value)}"
            f"（{f['pre_approval_rate'].numerator:.0f}/{f['pre_approval_rate'].denominator:.0f}），"
            f"按时备案率 {pct(f['filing_on_time_rate'].value)}，"
            f"联审节约预算 {pct(f['budget_saved'].value)}"
        )
    accepted = Contract.objects.filter(county_code=county, accepted_version__isnull=False).count()
    lines.append(f"委托合同：{accepted} 份已备案通过。")
    return lines
