"""Wire models of the supervisor console's reads under /v1/review (server and console share them).

GET  /v1/review/legend                  -> Legend
GET  /v1/review/queue                   -> QueuePage
GET  /v1/review/tps/{tps}/{ballot}      -> TpsComparison
GET  /v1/review/history/{record_id}     -> RecordHistory
GET  /v1/review/totals                  -> Totals
GET  /v1/review/progress                -> Progress
GET  /v1/review/incidents               -> list[IncidentRow]
GET  /v1/review/conflicts               -> list[ConflictRow]
POST /v1/review/conflicts/{id}/resolve  ResolveRequest -> ConflictRow
GET  /v1/review/deployment              -> DeploymentPlan
GET  /v1/review/export/geojson          -> TpsCollection (a download; the console maps it)

The server's routes validate their answers against these models and send only the fields a
model declares: a new field of a review answer is added here first. Unknown keys are ignored
when reading, so a newer server can add a field without breaking an older console. `Words` is a
pair (Bahasa Indonesia, English).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.election import Pattern

Words = tuple[str, str]
FieldState = Literal["agree", "conflict", "single"]
TpsStatus = Literal["no_data", "one_source", "agree", "conflict", "verified"]


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Legend(_Read):
    """Words for statuses, flag rules and severities (keys as strings: "3", "2", "1")."""

    status: dict[str, Words] = {}
    rules: dict[str, Words] = {}
    severity: dict[str, Words] = {}

    def status_words(self, status: str, lang: str) -> str:
        return _pick(self.status.get(status), lang, status)

    def rule_words(self, rule: str, lang: str) -> str:
        return _pick(self.rules.get(rule), lang, rule)


def _pick(pair: Words | None, lang: str, fallback: str) -> str:
    return (pair[1] if lang == "en" else pair[0]) if pair else fallback


# -- the TPS comparison --------------------------------------------------------------------------
class Flag(_Read):
    """Something a supervisor should look at (sync_server.review.flags), worst first."""

    rule: str
    severity: int
    fields: list[str] = []
    source: str = ""
    message_id: str = ""
    message_en: str = ""

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_id


class SourceTally(_Read):
    """The current final tally of one source, its numbers flattened (`suara.2`)."""

    source: str
    label: str = ""
    label_en: str = ""
    record_id: str
    author: str = ""
    photos: list[str] = []
    values: dict[str, int] = {}

    def name(self, lang: str) -> str:
        return (self.label_en if lang == "en" else self.label) or self.source


class FieldComparison(_Read):
    """One number of the form across sources; `disputed`: sources the verification did not see
    that differ from the verified value."""

    field: str
    label: str = ""
    state: FieldState
    values: dict[str, int] = {}
    value: int | None = None
    verified: bool = False
    disputed: dict[str, int] = {}

    @property
    def needs_decision(self) -> bool:
        """Sources disagree and nobody decided, or something unseen contradicts the decision."""
        return (self.state == "conflict" and not self.verified) or bool(self.disputed)


class Decision(_Read):
    """A supervisor's verification of the TPS-ballot."""

    record_id: str
    author: str = ""
    nilai: dict[str, int] = {}
    sumber: list[str] = []
    photos: list[str] = []
    alasan: str = ""
    stamp: tuple[int, str] = (0, "")
    seq: int = 0


class HistoryResolution(_Read):
    """What a conflict resolution entry decided."""

    conflict_id: int | None = None
    field: str | None = None
    choice: str | None = None
    value: Any = None
    previous: Any = None
    written: bool | None = None
    alasan: str | None = None


class HistoryEntry(_Read):
    """One change-log entry of a record: who, when, from which device, what; `entry_json` is the
    exact text its hash covers (sha256(prev_hash + entry_json) == hash)."""

    log_id: int
    at_ms: int
    at: str
    user_id: str = ""
    user_name: str = ""
    device_id: str | None = None
    kind: str | None = None
    fields: dict[str, Any] = {}
    conflicts: list[Any] = []
    note: str | None = None
    resolution: HistoryResolution | None = None
    hash: str = ""
    prev_hash: str = ""
    entry_json: str = ""


class TpsComparison(_Read):
    """One TPS-ballot: sources side by side per field, flags, the decision, every history."""

    tps: str
    ballot: str
    status: TpsStatus
    tps_label: str = ""
    status_label: Words = ("", "")
    sources: list[SourceTally] = []
    fields: list[FieldComparison] = []
    flags: list[Flag] = []
    decision: Decision | None = None
    values: dict[str, int] = {}
    differences: list[str] = []
    photos: list[str] = []
    history: dict[str, list[HistoryEntry]] = {}


class RecordHistory(_Read):
    record_id: str
    kind: str
    tps: str
    entries: list[HistoryEntry] = []


# -- incidents -----------------------------------------------------------------------------------
class IncidentRow(_Read):
    """An incident with its status flow and Bawaslu's 7-day deadline."""

    id: str
    tps: str
    jenis: str | None = None
    kategori: str | None = None
    jalur: str | None = None
    waktu: str | None = None
    uraian: str | None = None
    tingkat: str | None = None
    proses: str = "diterima"
    proses_label: Words = ("", "")
    diteruskan_ke: str | None = None
    ditugaskan: str | None = None
    komentar: list[str] = []
    bukti: list[str] = []
    received_ms: int | None = None
    registered_ms: int | None = None
    deadline_ms: int | None = None
    deadline: str | None = None
    days_left: int | None = None
    open: bool = True
    overdue: bool = False
    severity: int = 0
    author: str = ""


# -- the queue -----------------------------------------------------------------------------------
class TpsItem(_Read):
    """A TPS-ballot needing a decision."""

    type: Literal["tps"] = "tps"
    tps: str
    ballot: str
    status: TpsStatus
    severity: int = 0
    rules: list[str] = []
    n_sources: int = 0
    top_flag: Flag | None = None


class IncidentItem(IncidentRow):
    """An open incident in the queue."""

    type: Literal["incident"] = "incident"
    status: Literal["incident"] = "incident"


QueueItem = Annotated[TpsItem | IncidentItem, Field(discriminator="type")]


class QueueCounts(_Read):
    """Over every TPS-ballot of the kecamatan/ballot filter, whatever the status filter."""

    queue: int = 0
    by_status: dict[str, int] = {}
    open_by_status: dict[str, int] = {}
    by_rule: dict[str, int] = {}
    incidents_open: int = 0
    incidents_overdue: int = 0


class QueuePage(_Read):
    """One page of the queue from `offset`; `total` says how many match."""

    counts: QueueCounts = QueueCounts()
    total: int = 0
    offset: int = 0
    items: list[QueueItem] = []


# -- totals and progress -------------------------------------------------------------------------
class TotalsRow(_Read):
    """Decided votes of one area and ballot, and how many TPS are decided, in conflict, open."""

    code: str
    name: str
    ballot: str
    tps: int = 0
    decided: int = 0
    verified: int = 0
    conflict: int = 0
    open: int = 0
    values: dict[str, int] = {}


class Totals(_Read):
    level: Literal["desa", "kecamatan", "kabupaten"]
    rows: list[TotalsRow] = []


class ProgressHour(_Read):
    hour: str  # ISO time at the start of the hour, WIB
    new: int
    reported: int


class Progress(_Read):
    """TPS-ballots with a first final tally, cumulative per hour."""

    ballot: str | None = None
    tps: int = 0
    reported: int = 0
    hours: list[ProgressHour] = []


# -- conflicts from concurrent edits -------------------------------------------------------------
class Resolution(_Read):
    """Who resolved a conflict, when, why, and the value kept."""

    log_id: int
    at_ms: int
    at: str
    user_id: str | None = None
    user_name: str | None = None
    device_id: str | None = None
    choice: str | None = None
    value: Any = None
    alasan: str | None = None
    written: bool | None = None


class ConflictRow(_Read):
    id: int
    record_id: str
    kind: str | None = None
    tps: str | None = None
    author: str | None = None
    field: str
    current_value: Any = None
    current_stamp: tuple[int, str] = (0, "")
    incoming_value: Any = None
    incoming_stamp: tuple[int, str] = (0, "")
    winner: str = ""
    value_now: Any = None
    resolved: bool = False
    resolution: Resolution | None = None


class ResolveRequest(BaseModel):
    """`current` or `incoming` keeps that value; `merge` writes `value`. A reason is required."""

    model_config = ConfigDict(extra="forbid")
    choice: Literal["current", "incoming", "merge"]
    value: Any = None
    alasan: str = ""


# -- deployment plan -----------------------------------------------------------------------------
class Need(_Read):
    category: str
    tps: int
    polisi: int
    linmas: int


class PlanRow(_Read):
    """One kecamatan: TPS per kerawanan category and the police and linmas needed."""

    code: str
    name: str
    tps: int = 0
    categories: dict[str, int] = {}  # as planned: an unassessed TPS counts as kurang rawan
    dinilai: dict[str, int] = {}  # assessed TPS only, per category
    belum_dinilai: int = 0
    polisi: int = 0
    linmas: int = 0
    needs: list[Need] = []


class Personnel(_Read):
    polisi: int | None = None
    linmas: int | None = None


class PlanTotal(_Read):
    tps: int = 0
    polisi: int = 0
    linmas: int = 0


class DeploymentPlan(_Read):
    pattern: dict[str, Pattern] = {}
    category_names: dict[str, Words] = {}
    kecamatan: list[PlanRow] = []
    total: PlanTotal = PlanTotal()
    available: Personnel = Personnel()
    shortfall: Personnel = Personnel()

    def category_name(self, category: str, lang: str) -> str:
        return _pick(self.category_names.get(category), lang, category)


# -- the map (GeoJSON export) --------------------------------------------------------------------
class TpsProperties(_Read):
    tps: str
    label: str = ""
    kecamatan: str = ""
    desa: str = ""
    category: str = "kurang_rawan"
    category_name: str = ""
    assessed: bool = False
    ballot: str = ""
    ballot_name: str = ""
    status: str = ""  # in words, for people reading the attribute table (e.g. in QGIS)
    status_code: str = "no_data"
    sources: int = 0
    severity: int = 0
    flags: list[str] = []
    demo_position: bool = False


class Point(_Read):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float]  # lon, lat (GeoJSON order)


class TpsFeature(_Read):
    type: Literal["Feature"] = "Feature"
    geometry: Point
    properties: TpsProperties


class TpsCollection(_Read):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[TpsFeature] = []
