from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.complaints"
    label = "complaints"
