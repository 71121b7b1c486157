"""Password login that refuses locked accounts and counts failures (used by every login form)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from zerodisturb.accounts.services import record_login_failure, record_login_success


class AccountLocked(PermissionDenied):
    pass


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            # Same cost as a real check so that timing does not reveal which usernames exist.
            get_user_model()().set_password(password)
            return None
        if user.is_locked():
            # PermissionDenied stops Django from trying other backends.
            raise AccountLocked
        if user.check_password(password) and self.user_can_authenticate(user):
            record_login_success(user)
            return user
        record_login_failure(user)
        return None
