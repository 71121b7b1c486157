from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.alerts"
    label = "alerts"
