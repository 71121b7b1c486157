from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.deadlines"
    label = "deadlines"
