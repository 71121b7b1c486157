from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "zerodisturb.public"
    label = "public"
    verbose_name = "公示"
