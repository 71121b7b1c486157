"""A bare Django JSON view, the yardstick of bench/scan_verify.py; routed only with ZD_BENCH_ENDPOINTS."""

from django.http import JsonResponse


def bare(request):
    return JsonResponse({"valid": True, "code": "valid", "message": "ok"})
