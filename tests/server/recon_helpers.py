"""Builders shared by the reconciliation tests: a consistent C.Hasil and a pushed source."""

from __future__ import annotations

import math
from typing import Any

from sync_server.review.reconcile import catch_up, load_election
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.recon_base import ReconStore
from tests.server.conftest import TPS, Device

SHA_A = "a" * 64
SHA_B = "b" * 64


def form(
    votes: dict[str, int], *, dpt: int = 300, tidak_sah: int = 2, **extra: Any
) -> dict[str, Any]:
    """A final PPWP tally whose every identity holds (unless `extra` breaks one)."""
    sah = sum(votes.values())
    total = sah + tidak_sah
    voters_l = total // 2
    dpt_l = dpt // 2
    received = dpt + math.ceil(dpt * 0.02)
    fields: dict[str, Any] = {
        "ballot": "ppwp",
        "status": "final",
        "dpt_l": dpt_l, "dpt_p": dpt - dpt_l, "dpt_j": dpt,
        "pemilih_dpt_l": voters_l, "pemilih_dpt_p": total - voters_l, "pemilih_dpt_j": total,
        "pemilih_dptb_l": 0, "pemilih_dptb_p": 0, "pemilih_dptb_j": 0,
        "pemilih_dpk_l": 0, "pemilih_dpk_p": 0, "pemilih_dpk_j": 0,
        "pengguna_hak_pilih_l": voters_l, "pengguna_hak_pilih_p": total - voters_l,
        "pengguna_hak_pilih_j": total,
        "ss_diterima": received, "ss_digunakan": total, "ss_rusak": 0,
        "ss_sisa": max(received - total, 0),
        "disabilitas_l": 0, "disabilitas_p": 0, "disabilitas_j": 0,
        "suara": dict(votes), "suara_sah": sah, "suara_tidak_sah": tidak_sah,
        "suara_total": total,
    }  # fmt: skip
    fields.update(extra)
    return fields


VOTES = {"1": 99, "2": 120, "3": 50}


def send(device: Device, record_id: str, fields: dict[str, Any], **kw: Any) -> None:
    res = device.push(device.op(record_id, fields, **kw))
    assert res.status_code == 200, res.text
    assert res.json()["results"][0]["status"] in ("applied", "conflict"), res.text


def verification(tps: str = TPS, **fields: Any) -> dict[str, Any]:
    return {"tps": tps, "ballot": "ppwp", **fields}


def reconciled(store: Store) -> ReconStore:
    """The reconciliation rows once caught up with every push so far (as a review read is)."""
    catch_up(store, load_election(Settings().election_file))
    return store.recon()
