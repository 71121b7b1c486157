from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.scorecards"
    label = "scorecards"
