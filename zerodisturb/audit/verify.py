"""Walking the audit chain to prove that no event was altered, removed or inserted."""

from __future__ import annotations

from dataclasses import dataclass

from zerodisturb.audit.chain import event_hash
from zerodisturb.audit.models import GENESIS_HASH, AuditEvent, ChainHead

_VALUE_FIELDS = (
    "id",
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "organisation_label",
    "county_code",
    "action",
    "object_type",
    "object_id",
    "object_number",
    "payload",
    "request_id",
    "prev_hash",
    "hash",
)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"审计链完整：已校验 {self.checked} 条事件。"
        where = (
            f"第一处断裂：事件 #{self.broken_seq}（id={self.broken_id}）" if self.broken_seq else ""
        )
        return f"审计链已被破坏。{where}：{self.reason}"


def _head() -> tuple[int, str]:
    head = ChainHead.objects.filter(id=1).first()
    return (head.seq, head.last_hash) if head else (0, GENESIS_HASH)


def verify_chain(batch_size: int = 5000) -> ChainReport:
    # The head and its events commit together, so events past the head we read first are appends
    # that happened during the walk; they are checked on the next run.
    head_seq, head_hash = _head()
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_id = None
    rows = AuditEvent.objects.filter(seq__lte=head_seq).order_by("seq").values_list(*_VALUE_FIELDS)
    for row in rows.iterator(chunk_size=batch_size):
        fields = dict(zip(_VALUE_FIELDS, row, strict=True))
        seq, event_id = fields["seq"], fields["id"]
        if seq != expected_seq:
            reason = (
                f"序号应为 {expected_seq}，实为 {seq}（缺少事件，可能被删除）"
                if seq > expected_seq
                else f"序号重复或倒序（{seq}）"
            )
            return ChainReport(False, checked, seq, event_id, reason)
        if fields["prev_hash"] != prev_hash:
            reason = "前一哈希不符（前面的事件被删除、插入或改动）"
            return ChainReport(False, checked, seq, event_id, reason)
        if event_hash(fields, prev_hash) != fields["hash"]:
            return ChainReport(False, checked, seq, event_id, "内容与哈希不符（事件被改动或伪造）")
        prev_hash = fields["hash"]
        expected_seq += 1
        checked += 1
        last_id = event_id
    if head_seq != checked or head_hash != prev_hash:
        return ChainReport(
            False,
            checked,
            checked + 1 if head_seq > checked else checked,
            last_id,
            f"链头记录 {head_seq} 条，表中只有连续的 {checked} 条（末尾事件被删除或链头被改动）",
        )
    extra = AuditEvent.objects.filter(seq__gt=head_seq).order_by("seq")
    appended_since = _head()[0] - head_seq
    if extra.count() > appended_since:
        stray = extra.last()
        return ChainReport(False, checked, stray.seq, stray.pk, "链头之后有未登记的事件（被插入）")
    return ChainReport(True, checked)
