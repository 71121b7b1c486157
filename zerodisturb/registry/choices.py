from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    PLATFORM = "platform", _("功能平台")


LOCALITY_LEVELS = (DivisionLevel.STREET, DivisionLevel.TOWN, DivisionLevel.PLATFORM)


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    PROVIDER = "provider", _("第三方机构")
    ENTERPRISE = "enterprise", _("企业")
    LOCALITY = "locality", _("属地")
    SYSTEM = "system", _("系统运维")


class Sector(models.TextChoices):
    CHEMICAL_FIBRE = "chemical_fibre", _("化纤纺织")
    CHEMICAL = "chemical", _("化工")
    APPLIANCE = "appliance", _("家电制造")
    MACHINERY = "machinery", _("机械五金")
    AUTO_PARTS = "auto_parts", _("汽车零部件")
    FOOD = "food", _("食品加工")
    BUILDING = "building", _("建材")
    PLASTICS = "plastics", _("塑料制品")
    ELECTRONICS = "electronics", _("电子电器")
    LOGISTICS = "logistics", _("仓储物流")
    TRADE = "trade", _("商贸服务")
    OTHER = "other", _("其他")


class PersonKind(models.TextChoices):
    STAFF = "staff", _("辅助人员")
    OFFICER = "officer", _("政府工作人员")
