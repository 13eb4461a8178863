"""The blob part of the storage contract (`store.blobs()`), run against every backend."""

from __future__ import annotations

from sync_server.store.blob_base import BlobRow, Cites
from sync_server.store.models import ReadFilter
from tests.server.conftest import TPS, TPS_2, TPS_GUDO
from tests.server.test_store_contract import rec

A, B, O = "a" * 64, "b" * 64, "0" * 64


def blob(
    sha: str,
    updated: int = 10,
    complete: bool = False,
    original: str | None = None,
    device: str = "d1",
    created: int = 1,
) -> BlobRow:
    return BlobRow(sha, 100, "image/jpeg", device, created, updated, complete, original)


def test_blob_rows_round_trip_and_replace(fresh):
    blobs = fresh.blobs()
    assert blobs.get_upload(A, "d1") is None
    blobs.put_blob(blob(A, original=O))
    assert blobs.get_upload(A, "d1") == blob(A, original=O)
    blobs.put_blob(blob(A, updated=20, complete=True))
    assert blobs.get_upload(A, "d1") == blob(A, updated=20, complete=True)
    assert blobs.uploads(A) == [blob(A, updated=20, complete=True)]
    blobs.delete_upload(A, "d1")
    assert blobs.get_upload(A, "d1") is None
    assert blobs.uploads(A) == []


def test_an_upload_is_its_devices_own_row(fresh):
    """Two devices' uploads of one photo live side by side; each changes only its own."""
    blobs = fresh.blobs()
    blobs.put_blob(blob(A, complete=True, device="d1", created=5))
    blobs.put_blob(blob(A, updated=3, device="d2", created=2))
    assert [b.device_id for b in blobs.uploads(A)] == ["d2", "d1"]  # oldest first
    blobs.put_blob(blob(A, updated=30, device="d2", created=2))
    assert blobs.get_upload(A, "d1") == blob(A, complete=True, device="d1", created=5)
    assert blobs.open_uploads("d2") == 1
    assert blobs.open_uploads("d1") == 0
    assert [(b.sha256, b.device_id) for b in blobs.stale_uploads(40)] == [(A, "d2")]
    blobs.delete_upload(A, "d2")
    assert blobs.uploads(A) == [blob(A, complete=True, device="d1", created=5)]


def test_stale_uploads_are_incomplete_and_old_oldest_first(fresh):
    blobs = fresh.blobs()
    blobs.put_blob(blob(A, updated=30))
    blobs.put_blob(blob(B, updated=10))
    blobs.put_blob(blob(O, updated=5, complete=True))
    assert [b.sha256 for b in blobs.stale_uploads(40)] == [B, A]
    assert [b.sha256 for b in blobs.stale_uploads(20)] == [B]


def test_readable_follows_the_citing_records_read_filter(fresh):
    fresh.put_record(rec("r1", TPS, author="u1", role="saksi"))
    fresh.blobs().set_refs("r1", "tally", TPS, [A])
    assert fresh.blobs().readable(A, ReadFilter(("3517",)))
    assert fresh.blobs().readable(A, ReadFilter((TPS,), author="u1"))
    assert not fresh.blobs().readable(A, ReadFilter((TPS,), author="u2"))
    assert not fresh.blobs().readable(A, ReadFilter((TPS,), hidden_roles=("saksi",)))
    assert not fresh.blobs().readable(A, ReadFilter((TPS_GUDO,)))
    fresh.blobs().set_refs("r1", "tally", TPS, [])
    assert not fresh.blobs().readable(A, ReadFilter(("3517",)))


def test_readable_upload_needs_the_citing_author_to_be_the_uploader(fresh):
    from sync_server.store.models import Device, User

    fresh.add_user(User("u1", "Siti", "saksi", 1, (TPS,)))
    fresh.add_device(Device("d1", "u1", "hp", 0), "h1")
    fresh.put_record(rec("r1", TPS, author="u1", role="saksi"))
    fresh.put_record(rec("r2", TPS, author="u2", role="ptps"))
    fresh.blobs().put_blob(blob(A, complete=True))  # uploaded by d1, the device of u1
    fresh.blobs().set_refs("r2", "tally", TPS, [A])
    assert fresh.blobs().readable(A, ReadFilter(("3517",)))
    assert not fresh.blobs().readable_upload(A, ReadFilter(("3517",)))
    fresh.blobs().set_refs("r1", "tally", TPS, [A])
    assert fresh.blobs().readable_upload(A, ReadFilter(("3517",)))
    assert not fresh.blobs().readable_upload(A, ReadFilter((TPS,), author="u2"))


def test_readable_upload_opens_through_any_uploader_whose_upload_is_complete(fresh):
    """u2 cites A, which u1 uploaded: closed while u2's own upload is unfinished, open once
    u2's device has sent the bytes too."""
    from sync_server.store.models import Device, User

    for user, device in (("u1", "d1"), ("u2", "d2")):
        fresh.add_user(User(user, user, "saksi", 1, (TPS,)))
        fresh.add_device(Device(device, user, "hp", 0), f"h{device}")
    fresh.put_record(rec("r2", TPS, author="u2", role="saksi"))
    fresh.blobs().set_refs("r2", "tally", TPS, [A])
    fresh.blobs().put_blob(blob(A, complete=True, device="d1"))
    only_u2 = ReadFilter((TPS,), author="u2")
    assert not fresh.blobs().readable_upload(A, only_u2)
    fresh.blobs().put_blob(blob(A, device="d2"))  # u2's upload, half done
    assert not fresh.blobs().readable_upload(A, only_u2)
    fresh.blobs().put_blob(blob(A, complete=True, device="d2"))
    assert fresh.blobs().readable_upload(A, only_u2)
    assert not fresh.blobs().readable_upload(A, ReadFilter((TPS,), author="u1"))


def test_reuse_by_file_and_by_original(fresh):
    blobs = fresh.blobs()
    blobs.set_refs("r1", "tally", TPS, [A])
    blobs.set_refs("r2", "tally", TPS, [A])
    assert blobs.reuse() == []
    blobs.set_refs("r3", "incident", TPS_2, [A, B])
    [same] = blobs.reuse()
    assert (same.key, same.via, same.tps) == (A, "sha256", (TPS, TPS_2))
    blobs.put_blob(blob(B, original=O, complete=True))
    blobs.put_blob(blob(A, original=O, device="d2"))  # unfinished: its claim does not count
    blobs.set_refs("r3", "incident", TPS_2, [B])
    assert blobs.reuse([B]) == []
    blobs.put_blob(blob(A, original=O, complete=True))
    [by_original] = blobs.reuse([B])
    assert (by_original.key, by_original.via) == (O, "original")
    assert {c.record_id for c in by_original.cites} == {"r1", "r2", "r3"}
    assert blobs.reuse(["c" * 64]) == []


def test_set_refs_many_replaces_each_records_cites(fresh):
    blobs = fresh.blobs()
    blobs.set_refs("r1", "tally", TPS, [A, B])
    blobs.set_refs("r2", "incident", TPS_2, [A])
    assert [r.key for r in blobs.reuse()] == [A]  # A at two TPS
    blobs.set_refs_many([Cites("r1", "tally", TPS, (B,)), Cites("r2", "incident", TPS_2, (O,)),
                         Cites("r3", "tally", TPS, ())])  # fmt: skip
    assert blobs.reuse() == []  # r1 no longer cites A, r2 moved to O
    blobs.set_refs_many([Cites("r2", "incident", TPS_2, (B,))])
    [shared] = blobs.reuse()
    assert shared.key == B
    assert shared.tps == (TPS, TPS_2)
    assert {(c.record_id, c.kind) for c in shared.cites} == {("r1", "tally"), ("r2", "incident")}


def test_cites_of_a_new_record_are_added_without_clearing_others(fresh):
    blobs = fresh.blobs()
    blobs.set_refs("r1", "tally", TPS, [A])
    blobs.set_refs_many([Cites("r2", "tally", TPS_2, (A, B), new=True)])
    [shared] = blobs.reuse()
    assert shared.key == A
    assert {c.record_id for c in shared.cites} == {"r1", "r2"}
    blobs.set_refs_many([Cites("r2", "tally", TPS_2, (B,))])  # known now: its cites replaced
    assert blobs.reuse() == []
