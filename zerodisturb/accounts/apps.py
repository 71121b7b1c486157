from django.apps import AppConfig


class Config(AppConfig):
    name = "zerodisturb.accounts"
    label = "accounts"
