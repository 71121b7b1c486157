"""The WSGI application gunicorn serves."""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerodisturb.settings")
application = get_wsgi_application()
# The URLconf (and with it every view module and the API's routers) is imported when a worker
# starts, not by its first request, which would otherwise wait about a second for it.
import_module(settings.ROOT_URLCONF)
