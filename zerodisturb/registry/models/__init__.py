from zerodisturb.registry.models.divisions import Division
from zerodisturb.registry.models.imports import ImportJob
from zerodisturb.registry.models.organisations import Organisation, ReviewDepartment
from zerodisturb.registry.models.people import Person
from zerodisturb.registry.models.policy import CountyPolicy
from zerodisturb.registry.models.sequences import NumberSequence

__all__ = [
    "CountyPolicy",
    "Division",
    "ImportJob",
    "NumberSequence",
    "Organisation",
    "Person",
    "ReviewDepartment",
]
