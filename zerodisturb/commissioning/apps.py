from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.commissioning"
    label = "commissioning"
