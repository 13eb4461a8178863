"""Kirim: photos go after records in their own task, with numbers; sent list; conflict details."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import flet as ft

from app.store import Store
from app.store.photos import mark_sent, upload_queue
from app.sync import Offline, Progress
from app.sync.uploads import UploadProgress
from app.ui.state.incident_form import IncidentForm
from app.ui.state.services import Services
from app.ui.state.sync_state import SENT_SHOWN, SyncStatus
from app.ui.views.status_strip import strip_text
from app.ui.views.sync_details import conflict_section, photo_section
from tests.app.ui.conftest import TPS
from tests.photos import form_photo


def final_incident(services: Services, record_id: str = "inc1", photos: int = 1) -> list[str]:
    form = IncidentForm.load(services, record_id, TPS, "Budi")
    form.set("kategori", "intimidasi")
    form.set("uraian", "x")
    shas = [form.evidence.attach(form_photo(640, 480, seed=i)) for i in range(photos)]
    assert form.finalize()
    return [s for s in shas if s]


def records_sent(store: Store, _progress: Callable[[Progress], None]) -> bool:
    """Stands in for sync_once: every queued op accepted."""
    store.db.execute("update outbox set state = 'done' where state = 'pending'")
    store.db.execute("update records set shared = 1")
    return True


async def settle(sync: SyncStatus) -> None:
    for _ in range(500):  # bounded: the upload task ends by itself
        task = sync._upload_task
        if task is None or task.done():
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("upload task did not end")


def test_photos_upload_after_records_with_numbers(services: Services) -> None:
    shas = final_incident(services, photos=2)
    order: list[str] = []
    seen: list[tuple[int, int, int]] = []

    def runner(store: Store, progress: Callable[[Progress], None]) -> bool:
        order.append("records")
        return records_sent(store, progress)

    def uploader(store: Store, progress: Callable[[UploadProgress], None]) -> bool:
        order.append("photos")
        for p in upload_queue(store):
            half = p.size // 2
            mark_sent(store, p.sha256, half)
            progress(UploadProgress(p.sha256, half, p.size, 1, half, p.size))
            mark_sent(store, p.sha256, p.size, complete=True)
            progress(UploadProgress(p.sha256, p.size, p.size, 1, p.size, p.size))
        return True

    sync = SyncStatus(services.store, runner=runner, uploader=uploader)
    sync.refresh()
    assert (sync.photos_pending, sync.photo_bytes_sent) == (2, 0)
    assert sync.photo_waiting == ("inc1",)
    assert sync.photo_bytes_total > 0
    total = sync.photo_bytes_total

    async def run() -> None:
        await sync.sync_now()
        assert not sync.busy  # records are done; photos go on in their own task
        await settle(sync)
        seen.append((sync.photos_pending, sync.photo_bytes_sent, sync.photo_bytes_total))

    asyncio.run(run())
    assert order == ["records", "photos"]
    assert seen == [(0, total, total)]
    assert not sync.photo_waiting
    assert not sync.uploading
    assert strip_text(sync, "id")[0] == "Semua terkirim"
    assert set(shas) <= {r[0] for r in services.store.db.execute("select sha256 from photos")}


def test_photo_upload_offline_is_a_state(services: Services) -> None:
    final_incident(services)

    def offline(_store: Store, _progress: Callable[[UploadProgress], None]) -> bool:
        raise Offline("gone")

    sync = SyncStatus(services.store, runner=records_sent, uploader=offline)

    async def run() -> None:
        await sync.sync_now()
        await settle(sync)

    asyncio.run(run())
    assert sync.online is False
    assert sync.pending == 0
    assert sync.photos_pending == 1
    assert strip_text(sync, "id")[0] == "Offline - 1 foto belum terkirim"
    assert strip_text(sync, "en")[0] == "Offline - 1 photo(s) not sent"
    assert "Data aman di HP ini" in sync.error("id")


def test_strip_while_photos_travel() -> None:
    sync = SyncStatus(None)  # type: ignore[arg-type]
    sync.online, sync.photos_pending = True, 2
    assert strip_text(sync, "id")[0] == "2 foto belum terkirim"
    sync.uploading, sync.photo_bytes_sent, sync.photo_bytes_total = True, 150 * 1024, 600 * 1024
    assert strip_text(sync, "id")[0] == "Mengirim foto 150 KB dari 600 KB"
    assert strip_text(sync, "en")[0] == "Sending photos 150 KB of 600 KB"


def test_sent_list_keeps_the_latest(services: Services) -> None:
    for i in range(SENT_SHOWN + 5):
        services.store.save(f"r{i:02d}", "incident", TPS, {"kategori": "lainnya", "uraian": "x"})
    records_sent(services.store, lambda _p: None)
    sent = SyncStatus(services.store).lists()["sent"]
    assert len(sent) == SENT_SHOWN


def test_conflict_details_are_read_plainly(services: Services) -> None:
    services.store.save("t1", "tally", TPS, {"ballot": "ppwp", "suara_sah": 220})
    services.store.db.table("conflicts").insert(
        {
            "id": 7,
            "record_id": "t1",
            "field": "suara_sah",
            "current_value": json.dumps(230),
            "incoming_value": json.dumps(220),
            "winner": "incoming",
            "seen": 0,
        }
    )
    rows = SyncStatus(services.store).conflict_details()
    assert rows == [
        {
            "id": 7,
            "record_id": "t1",
            "field": "suara_sah",
            "current_value": 230,
            "incoming_value": 220,
            "winner": "incoming",
            "seen": 0,
        }
    ]


def _texts(control: object) -> list[str]:
    """Every Text value under a control tree (plain controls, no page needed)."""
    out: list[str] = []
    stack = [control]
    while stack:
        c = stack.pop()
        if isinstance(c, ft.Text):
            out.append(str(c.value))
        for name in ("content", "controls"):
            child = getattr(c, name, None)
            stack.extend(child if isinstance(child, list) else [child] if child else [])
    return out


def test_kirim_sections_say_it_in_words(services: Services) -> None:
    final_incident(services, photos=1)
    services.store.db.table("conflicts").insert(
        {
            "id": 1,
            "record_id": "inc1",
            "field": "uraian",
            "current_value": json.dumps("Amplop"),
            "incoming_value": json.dumps("x"),
            "winner": "current",
            "seen": 0,
        }
    )
    sync = SyncStatus(services.store)
    sync.refresh()
    photos = _texts(photo_section(sync, services.regions, "id"))
    assert "1 foto belum terkirim" in photos
    assert "Menunggu foto:" in photos
    assert any(t.startswith("0 B dari ") and t.endswith(" KB terkirim") for t in photos)
    assert any(t.startswith("• Laporan: Intimidasi · TPS 001") for t in photos)
    words = _texts(conflict_section(sync, services.regions, "en"))
    assert "Description: on server Amplop, incoming x; kept the server's value" in words
