"""Record kinds and their fields (pydantic): tally, incident, assessment, location, verification.

A record travels as a partial map of fields; `validate_fields` checks the names, types and
ranges of the fields present. Whether a record is complete enough to be final is a separate,
per-kind rule (`core.tally_checks` for tallies).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from core.errors import DomainError
from core.wilayah import parse_tps

Count = Annotated[int, Field(ge=0, le=999, strict=True)]
Text = Annotated[str, Field(max_length=4000)]
Short = Annotated[str, Field(max_length=200)]


MAX_DEPTH = 16  # how deep a record's fields may nest (a vote map is 2); deeper is not ours


def shallow(value: Any, level: int = 1) -> Any:
    """Refuse a value that sits at `level` (a record's fields are level 1, their values 2)
    when a non-empty container would sit at MAX_DEPTH or deeper. Walked level by level
    without recursion; only containers go on to the next level. A typed field cannot nest
    past its type, so only a field that takes any value needs this (`Nested`)."""
    items = [value] if isinstance(value, (dict, list)) else []
    for _ in range(level, MAX_DEPTH):
        items = [
            v
            for item in items
            for v in (item.values() if isinstance(item, dict) else item)
            if isinstance(v, (dict, list))
        ]
        if not items:
            return value
    if any(items):  # a non-empty container at MAX_DEPTH: its values would sit deeper
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return value


def _tps(value: str) -> str:
    parse_tps(value)
    return value


# Patterns checked by pydantic-core itself (no Python call per value: every push runs them)
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]  # a photo: lowercase hex SHA-256
VoteKey = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3})?$")]  # "2", or "1.3"
TpsField = Annotated[str, AfterValidator(_tps)]
Nested = Annotated[dict[str, Any], AfterValidator(lambda v: shallow(v, level=2))]  # any value
Votes = Annotated[dict[VoteKey, Count], Field(max_length=2000)]
Status = Literal["draft", "final"]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]

VOTER_ROWS = ("dpt", "pemilih_dpt", "pemilih_dptb", "pemilih_dpk", "pengguna_hak_pilih")
BALLOT_ROWS = ("ss_diterima", "ss_digunakan", "ss_rusak", "ss_sisa")
COLUMNS = ("l", "p", "j")


class _Fields(BaseModel):
    """Every field optional: a record travels as partial writes."""

    model_config = ConfigDict(extra="forbid")
    deleted: bool | None = None


Role = Literal["saksi", "ptps", "polisi", "supervisor", "admin"]


class Pembuat(BaseModel):
    """Who made a record, as the author's phone writes it at creation (the server accepts it
    only when it is that user's own role, name and party): a reader sees who made it."""

    model_config = ConfigDict(extra="forbid")
    peran: Role
    nama: Short
    partai: Annotated[int, Field(ge=1, le=999, strict=True)] | None = None


def pembuat(role: str, name: str, party: int | None) -> dict[str, Any]:
    """The `pembuat` field for a user (no `partai` when the user has none)."""
    card: dict[str, Any] = {"peran": role, "nama": name}
    if party is not None:
        card["partai"] = party
    return card


class Tally(_Fields):
    """One C.Hasil for one ballot of one TPS, by one source (its author)."""

    tps: TpsField | None = None
    pemilu: Short | None = None
    ballot: Short | None = None
    dpt_l: Count | None = None
    dpt_p: Count | None = None
    dpt_j: Count | None = None
    pemilih_dpt_l: Count | None = None
    pemilih_dpt_p: Count | None = None
    pemilih_dpt_j: Count | None = None
    pemilih_dptb_l: Count | None = None
    pemilih_dptb_p: Count | None = None
    pemilih_dptb_j: Count | None = None
    pemilih_dpk_l: Count | None = None
    pemilih_dpk_p: Count | None = None
    pemilih_dpk_j: Count | None = None
    pengguna_hak_pilih_l: Count | None = None
    pengguna_hak_pilih_p: Count | None = None
    pengguna_hak_pilih_j: Count | None = None
    ss_diterima: Count | None = None
    ss_digunakan: Count | None = None
    ss_rusak: Count | None = None
    ss_sisa: Count | None = None
    disabilitas_l: Count | None = None
    disabilitas_p: Count | None = None
    disabilitas_j: Count | None = None
    suara: Votes | None = None
    # DPR/DPRD: each party's written total (party vote + its candidates), by party number
    jumlah_partai: Annotated[dict[VoteKey, Count], Field(max_length=100)] | None = None
    suara_sah: Count | None = None
    suara_tidak_sah: Count | None = None
    suara_total: Count | None = None
    photos: Annotated[list[Sha256], Field(max_length=20)] | None = None
    status: Status | None = None
    alasan: Text | None = None
    # the witness says the signed form itself reads so ("tertulis di formulir demikian")
    tertulis_demikian: bool | None = None
    catatan: Text | None = None


IncidentCategory = Literal[
    "politik_uang",
    "kampanye_di_luar_jadwal",
    "netralitas",
    "pemilih_ganda",
    "intimidasi",
    "penggelembungan_suara",
    "merusak_berita_acara",
    "surat_suara_tercoblos",
    "logistik",
    "kericuhan",
    "lainnya",
]
Route = Literal["kode_etik", "administratif", "pidana", "hukum_lain"]
Severity = Literal["rendah", "sedang", "tinggi"]
Process = Literal[
    "diterima",
    "registrasi",
    "tidak_diregistrasi",
    "kajian",
    "terbukti",
    "tidak_terbukti",
    "diteruskan",
]


class Incident(_Fields):
    """A laporan (report) or temuan (finding) of an incident or violation."""

    jenis: Literal["laporan", "temuan"] | None = None
    kategori: IncidentCategory | None = None
    jalur: Route | None = None
    waktu: Short | None = None
    tps: TpsField | None = None
    tempat: Short | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    uraian: Text | None = None
    pelapor_nama: Short | None = None
    pelapor_alamat: Short | None = None
    terlapor: Short | None = None
    saksi: Annotated[list[Short], Field(max_length=50)] | None = None
    bukti: Annotated[list[Sha256], Field(max_length=20)] | None = None
    tingkat: Severity | None = None
    status: Status | None = None
    proses: Process | None = None
    diteruskan_ke: Literal["kpu", "dkpp", "gakkumdu", "lainnya"] | None = None
    ditugaskan: Short | None = None
    komentar: Annotated[list[Text], Field(max_length=200)] | None = None
    alasan: Text | None = None  # why a final report was corrected
    pembuat: Pembuat | None = None


class Assessment(_Fields):
    """Kerawanan indicators of one TPS under one election's indicator set."""

    tps: TpsField | None = None
    pemilu: Short | None = None
    indikator: Annotated[dict[str, bool], Field(max_length=100)] | None = None
    catatan: Annotated[dict[str, Text], Field(max_length=100)] | None = None
    status: Status | None = None
    alasan: Text | None = None  # why a final assessment was corrected
    pembuat: Pembuat | None = None


class Location(_Fields):
    """Where a TPS is: captured once by GPS, editable."""

    tps: TpsField | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    alamat: Short | None = None


class Verification(_Fields):
    """A supervisor's decision on one TPS-ballot: confirmed or overridden values, with a reason."""

    tps: TpsField | None = None
    ballot: Short | None = None
    nilai: Annotated[Nested, Field(max_length=2000)] | None = None
    sumber: Annotated[list[Short], Field(max_length=50)] | None = None
    photos: Annotated[list[Sha256], Field(max_length=50)] | None = None
    alasan: Text | None = None


KINDS: dict[str, type[_Fields]] = {
    "tally": Tally,
    "incident": Incident,
    "assessment": Assessment,
    "location": Location,
    "verification": Verification,
}
Kind = Literal["tally", "incident", "assessment", "location", "verification"]


def validate_fields(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Check a partial write; raise DomainError naming every bad field."""
    model = KINDS.get(kind)
    if model is None:
        raise DomainError(
            "unknown_kind",
            f"Jenis data '{kind}' tidak dikenal",
            f"Unknown record kind '{kind}'",
        )
    try:
        model.model_validate(fields)
    except ValidationError as exc:
        parts = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        detail = "; ".join(parts[:10])
        raise DomainError(
            "invalid_fields",
            f"Isian tidak sah ({detail})",
            f"Invalid fields ({detail})",
        ) from None
    return fields
