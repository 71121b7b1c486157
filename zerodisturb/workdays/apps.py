from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.workdays"
    label = "workdays"
