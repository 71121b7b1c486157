from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.notifications"
    label = "notifications"
