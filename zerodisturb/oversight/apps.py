from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.oversight"
    label = "oversight"
