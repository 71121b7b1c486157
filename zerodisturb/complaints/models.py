"""Complaints and feedback (投诉): one file per complaint, its clocks and its readable history.

A complaint comes from an enterprise contact or from the public, concerns a visit, a staff member,
a provider or an agency, and is handled by the organisation it is routed to (谁委托、谁负责: the
commissioning agency; the judicial bureau for triage). Clocks are stored dates in working days,
counted from receipt; the deadlines worker escalates each overdue clock once (the *_overdue_at
claim fields). `ComplaintEntry` rows make the whole file readable in order; the audit trail
holds the same transitions, hash-chained.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerodisturb.complaints.choices import (
    OPEN_STATUSES,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    EntryKind,
)
from zerodisturb.registry.pii import EncryptedTextField, mask_phone


def _org(verbose_name, related_name):
    return models.ForeignKey(
        "registry.Organisation",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Complaint(models.Model):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("投诉编号"), max_length=30, unique=True)
    channel = models.CharField(_("来源"), max_length=12, choices=ComplaintChannel.choices)

    # Who complains: an enterprise contact (logged in) or a member of the public.
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("投诉人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = _org(_("投诉企业"), "complaints_made")
    public_name = models.CharField(_("投诉人姓名"), max_length=40, blank=True)
    # Plain text to Python code, AES-GCM ciphertext in the column (registry/pii.py).
    public_phone_encrypted = EncryptedTextField(_("投诉人手机号"), blank=True)
    public_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # What a member of the public typed about whom the complaint concerns (not matched to records).
    public_about = models.CharField(_("涉及企业或机构（投诉人填写）"), max_length=120, blank=True)

    # What it is about; agency and provider are derived when they can be (谁委托、谁负责).
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("入企服务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    credential = models.ForeignKey(
        "credentials.Credential",
        verbose_name=_("辅助人员证件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    provider = _org(_("第三方机构"), "complaints_about_provider")
    agency = _org(_("委托机关"), "complaints_about_agency")
    category = models.CharField(_("投诉类别"), max_length=20, choices=ComplaintCategory.choices)
    text = models.TextField(_("投诉内容"))

    routed_to = _org(_("承办单位"), "complaints_routed")
    status = models.CharField(
        _("状态"),
        max_length=14,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
        db_index=True,
    )

    # Clocks, counted in working days from receipt (CountyPolicy.complaint_*_days).
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    ack_due_on = models.DateField(_("受理期限"), db_index=True)
    ack_due_estimated = models.BooleanField(default=False)
    reply_due_on = models.DateField(_("首次答复期限"), db_index=True)
    reply_due_estimated = models.BooleanField(default=False)
    # A reopen restarts this clock from the day of the reopen (see services.reopen_complaint).
    close_due_on = models.DateField(_("办结期限"), db_index=True)
    close_due_estimated = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    first_reply_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    # The latest closure; cleared by a reopen until the handler closes again.
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    escalated_at = models.DateTimeField(_("首次升级时间"), null=True, blank=True)
    escalation_reason = models.CharField(_("升级原因"), max_length=200, blank=True)
    # Claim fields of the deadlines worker: each overdue clock escalates once.
    ack_overdue_at = models.DateTimeField(null=True, blank=True)
    reply_overdue_at = models.DateTimeField(null=True, blank=True)
    close_overdue_at = models.DateTimeField(null=True, blank=True)

    # The provider's right of reply, before the handler decides.
    provider_reply_requested_at = models.DateTimeField(_("请机构陈述时间"), null=True, blank=True)
    provider_reply_due_on = models.DateField(_("机构陈述期限"), null=True, blank=True)
    provider_reply = models.TextField(_("第三方机构陈述意见"), blank=True)
    provider_replied_at = models.DateTimeField(_("机构陈述时间"), null=True, blank=True)

    substantiated = models.BooleanField(_("查实"), null=True, blank=True)
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("认定意见"), blank=True)

    complainant_confirmed_at = models.DateTimeField(_("投诉人确认时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("不认可次数"), default=0)
    rating = models.PositiveSmallIntegerField(
        _("办理评价"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_text = models.TextField(_("评价说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        indexes = [
            models.Index(fields=["county_code", "status", "received_at"]),
            models.Index(fields=["provider", "decided_at"]),
            models.Index(fields=["agency", "decided_at"]),
            models.Index(fields=["routed_to", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def public_phone(self) -> str:
        return self.public_phone_encrypted

    @property
    def masked_public_phone(self) -> str:
        return mask_phone(self.public_phone_encrypted)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class ComplaintEntry(models.Model):
    """One step of the file, in order: what happened, by whom (None: the public or the system)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("环节"), max_length=20, choices=EntryKind.choices)
    text = models.TextField(_("内容"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The author's organisation at the time, so the file stays readable if the user moves.
    organisation = _org(_("单位"), "+")
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("投诉办理记录")
        verbose_name_plural = _("投诉办理记录")

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.get_kind_display()}"
