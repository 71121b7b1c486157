from zerodisturb.commissioning.models.config import Domain, NegativeRule
from zerodisturb.commissioning.models.items import CommissionedItem, ItemVersion, Review

__all__ = ["CommissionedItem", "Domain", "ItemVersion", "NegativeRule", "Review"]
