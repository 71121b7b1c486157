from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.credentials"
    label = "credentials"
