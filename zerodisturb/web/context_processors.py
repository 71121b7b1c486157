def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "can_import": user.has_perm("registry.import"),
        "can_audit": user.has_perm("audit.view_trail"),
    }
