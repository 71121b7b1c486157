from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from zerodisturb.registry.permissions import visible_organisations, visible_people
from zerodisturb.web.todos import todos_for


@login_required
def home(request):
    user = request.user
    context = {
        "todos": todos_for(user),
        "organisation_count": visible_organisations(user).count(),
        "people_count": visible_people(user).count(),
    }
    return render(request, "web/home.html", context)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # a health check reports failures, it does not raise them
        database = "error"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )
