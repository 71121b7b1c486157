from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.problems"
    label = "problems"
