from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.evaluations"
    label = "evaluations"
