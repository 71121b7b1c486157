"""The public lists (公示), open to anyone without signing in."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from zerodisturb.dbrouter import use_replica
from zerodisturb.public.selectors import (
    exited_providers,
    providers_in_force,
    public_contracts,
    public_items,
)

PAGE_SIZE = 20


@use_replica
def public_lists(request):
    county = request.GET.get("county", "").strip()
    county = county if county.isascii() and county.isdigit() and len(county) == 6 else None
    items = Paginator(public_items(county), PAGE_SIZE).get_page(request.GET.get("items_page"))
    contracts = Paginator(public_contracts(county), PAGE_SIZE).get_page(
        request.GET.get("contracts_page")
    )
    exited = Paginator(exited_providers(county), PAGE_SIZE).get_page(request.GET.get("exited_page"))
    providers = Paginator(providers_in_force(county), PAGE_SIZE).get_page(
        request.GET.get("providers_page")
    )
    return render(
        request,
        "public/lists.html",
        {
            "items": items,
            "contracts": contracts,
            "providers": providers,
            "exited": exited,
            "county": county or "",
        },
    )
