from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.audit"
    label = "audit"
