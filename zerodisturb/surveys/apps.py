from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.surveys"
    label = "surveys"
