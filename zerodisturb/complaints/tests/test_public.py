"""The public's pages without login: the short form (phone validated), the receipt with the
number, the status by number + phone (a wrong phone shows nothing), acting there, rate limits."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from zerodisturb.complaints import services
from zerodisturb.complaints.choices import ComplaintStatus
from zerodisturb.complaints.models import Complaint
from zerodisturb.complaints.tests.world import PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(county):
    cache.clear()
    return Client()


def form(county, **changes):
    data = {
        "county": county.code,
        "phone": PHONE,
        "name": "王先生",
        "about": "某检测公司",
        "category": "selling",
        "text": "自称第三方机构人员上门推销检测服务。",
    }
    return data | changes


def test_file_without_login_and_get_a_receipt(public, county):
    assert public.get(reverse("complaints:public_new")).status_code == 200
    response = public.post(reverse("complaints:public_new"), form(county), follow=True)
    complaint = Complaint.objects.get()
    assert complaint.routed_to == county.orgs["judicial"]
    assert complaint.public_phone == PHONE and complaint.public_phone_hash
    assert complaint.number in response.content.decode()
    # Encrypted at rest: the column does not hold the number.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT public_phone_encrypted FROM complaints_complaint")
        assert PHONE not in cursor.fetchone()[0]


@pytest.mark.parametrize(
    "phone", ["", "12345", "23812345678", "１３８１２３４５６７８", "0574-1234567"]
)
def test_a_mainland_mobile_is_required(public, county, phone):
    response = public.post(reverse("complaints:public_new"), form(county, phone=phone))
    assert response.status_code == 400
    assert "手机号码" in response.content.decode()
    assert not Complaint.objects.exists()


def test_script_is_shown_as_text(public, county, django_user_model):
    public.post(reverse("complaints:public_new"), form(county, text="<script>alert(1)</script>"))
    number = Complaint.objects.get().number
    page = public.post(reverse("complaints:public_status"), {"number": number, "phone": PHONE})
    body = page.content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_status_needs_the_right_phone(public, county):
    c = services.create_public_complaint(county_code=county.code, phone=PHONE, text="投诉内容")
    right = public.post(reverse("complaints:public_status"), {"number": c.number, "phone": PHONE})
    assert right.status_code == 200 and "待受理" in right.content.decode()
    wrong = public.post(
        reverse("complaints:public_status"), {"number": c.number, "phone": "13900000000"}
    )
    assert wrong.status_code == 404
    body = wrong.content.decode()
    assert "未找到该投诉" in body and "投诉内容" not in body and "待受理" not in body


def test_confirm_and_rate_on_the_status_page(public, county, complaint_world):
    w = complaint_world
    c = w.public()
    c = services.reroute_complaint(w.supervisor, c, agency=w.orgs["agency"], reason="分办")
    w.handled(c)
    who = {"number": c.number, "phone": PHONE}
    response = public.post(
        reverse("complaints:public_act", args=["rate"]), who | {"rate-rating": "5"}
    )
    assert response.status_code == 200
    public.post(reverse("complaints:public_act", args=["confirm"]), who)
    c.refresh_from_db()
    assert (c.status, c.rating) == (ComplaintStatus.CONFIRMED, 5)
    wrong = public.post(
        reverse("complaints:public_act", args=["confirm"]), who | {"phone": "13900000000"}
    )
    assert wrong.status_code == 404


def test_filing_is_rate_limited(public, county, settings):
    settings.RATE_LIMIT_COMPLAINT = 3
    codes = [
        public.post(reverse("complaints:public_new"), form(county)).status_code for _ in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert Complaint.objects.count() == 3


def test_status_checks_are_rate_limited(public, county, settings):
    settings.RATE_LIMIT_VERIFY = 2
    url = reverse("complaints:public_status")
    codes = [public.post(url, {"number": "TS-1", "phone": PHONE}).status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_public_api_files_checks_and_is_rate_limited(public, county, settings):
    settings.RATE_LIMIT_COMPLAINT = 1
    body = {"county_code": county.code, "phone": PHONE, "text": "投诉内容"}
    first = public.post("/api/v1/complaints/public", body, content_type="application/json")
    assert first.status_code == 201, first.json()
    number = first.json()["number"]
    second = public.post("/api/v1/complaints/public", body, content_type="application/json")
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "rate_limited"
    status = public.post(
        "/api/v1/complaints/public/status",
        {"number": number, "phone": PHONE},
        content_type="application/json",
    )
    assert status.status_code == 200 and status.json()["status"] == "received"
    wrong = public.post(
        "/api/v1/complaints/public/status",
        {"number": number, "phone": "13900000000"},
        content_type="application/json",
    )
    assert wrong.status_code == 404
    bad = public.post(
        "/api/v1/complaints/public",
        body | {"phone": "123"},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.9",
    )
    assert bad.status_code == 422 and "phone" in bad.json()["error"]["fields"]
