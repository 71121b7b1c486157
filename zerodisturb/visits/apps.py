from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.visits"
    label = "visits"
