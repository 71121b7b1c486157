from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.registry"
    label = "registry"
