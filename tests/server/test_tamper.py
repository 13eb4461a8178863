"""An insider with write access to the database file: every class of tampering is found and named.

Each test edits the SQLite file as an attacker would (triggers dropped, the chain recomputed
where that helps them), then runs `verify-log`'s checks (with the checkpoints devices hold) and,
where it applies, the offline check of an evidence bundle the server then exports.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from core import bundle_check, signing
from core.checkpoint import parse as parse_checkpoints
from core.checkpoint import to_text
from core.ledger import batch_key, is_batch, is_op
from core.protocol import Checkpoint, Op
from sync_server.admin.cli import cli
from sync_server.store.blob_base import BlobRow
from sync_server.store.models import StoredRecord
from sync_server.store.sqlite import SqliteStore
from sync_server.store.sqlite_schema import migrations
from sync_server.sync import audit, checkpoints
from tests.server.conftest import TPS, TPS_2, MakeDevice
from verifier.main import render

Entries = list[dict[str, Any]]
PHOTO = b"\xff\xd8 C.Hasil PPWP TPS 001 \xff\xd9"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def world(make_device: MakeDevice, store, client, settings, wall):
    """A PTPS phone pushed two batches (one tally with a photo), a checkpoint was signed and
    held by the phone, then the phone pushed once more."""
    phone = make_device("ptps", scope=["35.17"])
    boss = make_device("supervisor", scope=["35.17"])
    sha = _sha(PHOTO)
    blob = settings.blob_dir / sha[:2] / sha
    blob.parent.mkdir(parents=True)
    blob.write_bytes(PHOTO)
    # uploaded by the phone (the bundle carries only photos their record's author uploaded)
    store.blobs().put_blob(BlobRow(sha, len(PHOTO), "image/jpeg", phone.id, wall(), wall(), True))
    tally = {"tps": TPS, "ballot": "ppwp", "dpt_l": 120, "photos": [sha]}
    phone.push(phone.op("r1", tally), phone.op("r2", {"tps": TPS, "ballot": "dpr", "dpt_l": 5}))
    wall.ms += 60_000
    phone.push(phone.op("r1", {"dpt_p": 130}))
    cp = checkpoints.make(store, client.app.state.runtime.server_key, wall())
    wall.ms += 60_000
    phone.push(phone.op("r3", {"tps": TPS, "ballot": "dpd", "dpt_l": 7}))
    return {"phone": phone, "boss": boss, "cp": cp, "server_key": cp.server_key}


def _verify(store, world) -> list[tuple[str, str]]:
    report = audit.verify(store, [world["cp"]], world["server_key"])
    return [(f.code, f.where) for f in report.findings]


def _rewrite(store, edit: Callable[[Entries], Entries]) -> None:
    """What an insider does: drop the guards, change entries, recompute the whole chain."""
    store.db.execute("DROP TRIGGER IF EXISTS changelog_no_update")
    store.db.execute("DROP TRIGGER IF EXISTS changelog_no_delete")
    entries = edit([dict(e.entry) for e in store.log_entries()])
    store.db.execute("DELETE FROM changelog")
    for entry in entries:
        store.append_log(entry)


def _op_at(entries: Entries, record_id: str, n: int = 0) -> dict[str, Any]:
    return [e for e in entries if is_op(e) and e["record_id"] == record_id][n]


def _bundle(world) -> dict[str, bytes]:
    boss = world["boss"]
    res = boss.client.get(f"/v1/review/evidence/tps/{TPS}", headers=boss.headers)
    assert res.status_code == 200, res.text
    with zipfile.ZipFile(io.BytesIO(res.content)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_an_untouched_log_and_bundle_verify(world, store):
    assert _verify(store, world) == []
    verdict = bundle_check.check(_bundle(world), world["server_key"])
    assert verdict.findings == []
    assert verdict.signed_ops == 4
    assert verdict.photos == 1


def test_an_edited_record_row_is_found(world, store):
    store.db.execute("UPDATE records SET fields = json_set(fields, '$.dpt_l', 999) WHERE id = 'r1'")
    assert _verify(store, world) == [("record_edited", "data r1")]
    codes = [(f.code, f.where) for f in bundle_check.check(_bundle(world)).findings]
    assert codes == [("record_edited", "data r1")]


def test_edited_packed_stamps_are_found(world, store):
    """A pull sends records.packed as stored (sync_server/sync/pull_wire.py): an edit there
    is found like an edit of the per-field map."""
    store.db.execute("UPDATE records SET packed = '[1,\"evil-device\"]' WHERE id = 'r1'")
    assert _verify(store, world) == [("record_edited", "data r1")]


def test_an_edited_entry_with_a_recomputed_chain_is_found(world, store):
    def edit(entries: Entries) -> Entries:
        _op_at(entries, "r1")["fields"]["dpt_l"] = 999
        return entries

    _rewrite(store, edit)
    store.db.execute("UPDATE records SET fields = json_set(fields, '$.dpt_l', 999) WHERE id = 'r1'")
    found = _verify(store, world)
    assert ("op_altered", f"log 2 (op {world['phone'].id}:1, data r1)") in found
    assert ("log_rewritten", f"checkpoint log {world['cp'].log_id}") in found
    assert "op_altered" in [f.code for f in bundle_check.check(_bundle(world)).findings]


def test_a_truncated_tail_is_found(world, store):
    cp = world["cp"]
    store.db.execute("DROP TRIGGER changelog_no_delete")
    store.db.execute("DELETE FROM changelog WHERE id >= ?", [cp.log_id - 1])
    store.db.execute("DELETE FROM records WHERE id = 'r3'")  # keep the table consistent
    assert ("log_truncated", f"checkpoint log {cp.log_id}") in _verify(store, world)


def test_a_swapped_photo_is_found(world):
    files = _bundle(world)
    [name] = [n for n in files if n.startswith("photos/")]
    files[name] = b"\xff\xd8 another form \xff\xd9"
    codes = {(f.code, f.where) for f in bundle_check.check(files).findings}
    assert codes == {("photo_swapped", name), ("file_altered", name)}
    # renamed to its new hash and listed honestly: no signed op cites it
    files = _bundle(world)
    new = files.pop(name).replace(b"C.Hasil", b"C-Hasil")
    files[f"photos/{_sha(new)}.jpg"] = new
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = [
        {"name": n, "sha256": _sha(b)} for n, b in files.items() if n != "manifest.json"
    ]
    files["manifest.json"] = json.dumps(manifest).encode()
    assert "photo_not_cited" in {f.code for f in bundle_check.check(files).findings}


def test_a_batch_forged_without_the_key_is_found(world, store, wall):
    phone = world["phone"]
    forger = signing.new_private_key()

    def edit(entries: Entries) -> Entries:
        op = Op.model_validate({"op_id": f"{phone.id}:99", "seq": 99, "record_id": "r1",
                                "kind": "tally", "tps": TPS, "fields": {"dpt_l": 1},
                                "hlc": 2**60})  # fmt: skip
        signed = signing.sign_batch(forger, phone.id, 99, [op])
        signed.manifest.key_id = signing.key_id(signing.public_key_of(phone.key))  # pretend
        batch = {"kind": "signed_batch", "batch_of": batch_key(phone.id, 99),
                 "device_id": phone.id, "user_id": phone.user_id, "received_ms": wall(),
                 "hlc": 2**60, "manifest": signed.manifest.model_dump(mode="json"),
                 "signature": signed.signature}  # fmt: skip
        entry = {**_op_at(entries, "r1"), "op_id": op.op_id, "op_seq": 99, "fields": op.fields,
                 "hlc": op.hlc, "base": {}, "batch": 99, "index": 0}  # fmt: skip
        return [*entries, batch, entry]

    _rewrite(store, edit)
    codes = [c for c, _ in _verify(store, world)]
    assert "batch_forged" in codes
    assert "op_unsigned" in codes


def test_a_signed_batch_replayed_as_another_device_is_found(world, store, make_device):
    other = make_device("ptps", scope=["35.17"])

    def edit(entries: Entries) -> Entries:
        for e in entries:  # the first batch and its ops credited to another device
            if (is_batch(e) and e["batch_of"].endswith("/1")) or (is_op(e) and e["batch"] == 1):
                e["device_id"] = other.id
                if is_batch(e):
                    e["batch_of"] = batch_key(other.id, 1)
                    e["manifest"] = {**e["manifest"], "device_id": other.id}
        return entries

    _rewrite(store, edit)
    found = _verify(store, world)
    assert ("batch_key_unknown", f"log 1 (batch {other.id}/1)") in found


def test_a_signed_op_moved_to_another_record_or_tps_is_found(world, store):
    for change in ({"record_id": "r2"}, {"tps": TPS_2}):

        def edit(entries: Entries, change: dict[str, str] = change) -> Entries:
            [moved] = [e for e in entries if is_op(e) and "dpt_p" in e["fields"]]
            moved.update(change)
            return entries

        _rewrite(store, edit)
        assert "op_altered" in [c for c, _ in _verify(store, world)]


def test_a_batch_after_revocation_is_found(world, store, wall):
    """The phone's key leaked with the phone; the device was revoked; batches signed by that
    very key afterwards (slipped into the log by an insider) are named."""
    phone = world["phone"]
    store.revoke_device(phone.id, wall())
    wall.ms += 60_000

    def edit(entries: Entries) -> Entries:
        op = Op.model_validate({"op_id": f"{phone.id}:50", "seq": 50, "record_id": "r2",
                                "kind": "tally", "tps": TPS, "fields": {"dpt_l": 6},
                                "hlc": 2**60})  # fmt: skip
        signed = signing.sign_batch(phone.key, phone.id, 50, [op])
        batch = {"kind": "signed_batch", "batch_of": batch_key(phone.id, 50),
                 "device_id": phone.id, "user_id": phone.user_id, "received_ms": wall(),
                 "hlc": 2**60, "manifest": signed.manifest.model_dump(mode="json"),
                 "signature": signed.signature}  # fmt: skip
        entry = {**_op_at(entries, "r2"), "op_id": op.op_id, "op_seq": 50, "fields": op.fields,
                 "hlc": op.hlc, "base": {}, "batch": 50, "index": 0}  # fmt: skip
        return [*entries, batch, entry]

    _rewrite(store, edit)
    found = [(c, w) for c, w in _verify(store, world) if c.startswith("batch")]
    # what it signed before its revocation still verifies: only the late batch is named
    assert [(c, w.split("(")[1]) for c, w in found] == [
        ("batch_after_revocation", f"batch {phone.id}/50)")
    ]
    # the evidence bundle names the late batch too, and shows when the device was revoked
    verdict = bundle_check.check(_bundle(world))
    assert "batch_after_revocation" in [f.code for f in verdict.findings]
    [device] = [d for d in verdict.devices if d.device_id == phone.id]
    assert device.revoked_ms == store.get_device(phone.id).revoked_ms
    assert "dicabut/revoked 2024-02-14" in render(verdict)


def test_verify_log_cli_reads_held_checkpoints_and_names_what_failed(
    world, store, settings, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("PANTAU_DB_PATH", str(settings.db_path))
    held = tmp_path / "dari-hp.txt"
    held.write_text(to_text(world["cp"]))
    runner = CliRunner()
    ok = runner.invoke(cli, ["verify-log", "--checkpoints", str(held)])
    assert ok.exit_code == 0, ok.output
    assert "1 checkpoint diperpanjang" in ok.output
    store.db.execute("DROP TRIGGER changelog_no_delete")
    store.db.execute("DELETE FROM changelog WHERE id >= 3")
    bad = runner.invoke(cli, ["verify-log", "--checkpoints", str(held)])
    assert bad.exit_code == 1
    assert f"checkpoint log {world['cp'].log_id}" in bad.output
    assert "dipotong" in bad.output


def test_checkpoint_cli_prints_a_short_signed_text(world, settings, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PANTAU_DB_PATH", str(settings.db_path))
    out = tmp_path / "published.txt"
    res = CliRunner().invoke(cli, ["checkpoint", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert len(res.output.splitlines()) == 6
    assert res.output.startswith("PANTAU TPS CHECKPOINT")
    [cp] = parse_checkpoints(out.read_text())
    assert isinstance(cp, Checkpoint)
    assert signing.verify_checkpoint(cp, world["server_key"])
    assert cp.log_id > world["cp"].log_id


def test_ops_logged_before_signing_began_are_counted_apart(tmp_path: Path):
    """A server upgraded mid-season: its older entries carry no signature. verify-log counts
    them (up to the entry where signing began) instead of failing; newer unsigned ops fail."""
    store = SqliteStore(tmp_path / "old.db")
    migrations.apply(store.db, stop_before="m014_signatures")
    old = {"seq": 1, "record_id": "r1", "kind": "tally", "tps": TPS, "device_id": "d-old",
           "user_id": "u-old", "op_id": "d-old:1", "fields": {"dpt_l": 1}, "hlc": 2**40,
           "conflicts": []}  # fmt: skip
    store.append_log(old)
    store.migrate()  # its record row is written as today's server writes it (records.packed)
    store.put_record(StoredRecord("r1", "tally", TPS, "u-old", "ptps", None, {"dpt_l": 1},
                                  {"dpt_l": (2**40, "d-old")}))  # fmt: skip
    report = audit.verify(store, [], None)
    assert report.findings == []
    assert report.legacy_ops == 1
    assert report.unsigned_until == 1
    store.append_log({**old, "op_id": "d-old:2", "fields": {"dpt_l": 1}})
    assert [f.code for f in audit.verify(store, [], None).findings] == ["op_unsigned"]
    store.close()
