from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.contracts"
    label = "contracts"
