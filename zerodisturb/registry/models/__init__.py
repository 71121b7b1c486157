from zerodisturb.registry.models.divisions import Division
from zerodisturb.registry.models.imports import ImportJob
from zerodisturb.registry.models.organisations import Organisation, ReviewDepartment
from zerodisturb.registry.models.people import Person

__all__ = ["Division", "ImportJob", "Organisation", "Person", "ReviewDepartment"]
