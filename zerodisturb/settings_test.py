"""Test settings: the real settings with fast hashing, tasks run inline and plain static files."""

import os

os.environ.setdefault(
    "ZD_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("ZD_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from zerodisturb.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
LANGUAGE_CODE = "zh-hans"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Every scan is written before its answer; tests of the batched log switch this on themselves.
SCAN_LOG_BATCH_MS = 0
