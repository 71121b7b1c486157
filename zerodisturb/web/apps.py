from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.web"
    label = "web"
