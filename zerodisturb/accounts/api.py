from ninja import Router, Schema

router = Router(tags=["账户"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    organisation_id: int | None
    organisation: str
    county_code: str


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "organisation_id": user.organisation_id,
        "organisation": str(user.organisation or ""),
        "county_code": user.county_code,
    }
