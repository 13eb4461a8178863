"""Pull pages in the shape the client announced, compressed as sync_server/sync/encoding.py
chose: protocol 1 (or no header) gets per-field stamps, protocol 2 packed ones."""

import pytest

from core.merge import DELETED
from core.protocol import PROTOCOL_HEADER, PULL_FIELDS_V1, PullResponse
from core.stamps import pack, unpack
from sync_server.store.base import Store
from sync_server.store.pg import PgStore
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import TPS


@pytest.fixture
def corrected(make_device):
    """A tally written by one op, then one field corrected by a second op."""
    phone = make_device("ptps")
    # a draft: the server refuses a final tally that is not complete (issue 10)
    fields = {"dpt_l": 120, "dpt_p": 130, "status": "draft"}
    assert phone.push(phone.op("r1", fields)).status_code == 200
    assert phone.push(phone.op("r1", {"dpt_l": 121, "alasan": "salah baca"})).status_code == 200
    return phone


def _pull(device, protocol: str | None, encoding: str = "identity"):
    headers = {**device.headers, "Accept-Encoding": encoding}
    if protocol is not None:
        headers[PROTOCOL_HEADER] = protocol
    response = device.client.get("/v1/sync/pull", headers=headers)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize("protocol", [None, "1"])
def test_an_old_client_gets_per_field_stamps(corrected, protocol):
    body = _pull(corrected, protocol).json()
    stamps = body["records"][0]["stamps"]
    assert body["protocol"] == 1
    # only the keys protocol 1 had: a client built for it forbids any other (no checkpoint)
    assert set(body) == PULL_FIELDS_V1 == {"protocol", "records", "next", "more", "server_hlc"}
    assert set(stamps) == {"dpt_l", "dpt_p", "status", "alasan"}
    assert stamps["dpt_l"] == stamps["alasan"] != stamps["dpt_p"]


def test_protocol_2_gets_one_record_stamp_and_the_corrected_fields_apart(corrected):
    old = _pull(corrected, "1").json()["records"][0]
    new = _pull(corrected, "2").json()["records"][0]
    hlc, device, exceptions = new["stamps"]
    assert set(exceptions) in ({"dpt_p", "status"}, {"dpt_l", "alasan"})
    per_field = {k: tuple(v) for k, v in old["stamps"].items()}
    assert unpack(new["fields"], new["stamps"]) == per_field
    assert (hlc, device) in per_field.values()


def test_both_shapes_give_the_same_records(corrected):
    old = PullResponse.model_validate_json(_pull(corrected, "1").content)
    new = PullResponse.model_validate_json(_pull(corrected, "2").content)
    assert [r.versioned() for r in old.records] == [r.versioned() for r in new.records]


def _many(device) -> None:
    ops = [device.op(f"r{i}", {"uraian": f"laporan {i} " * 20}, kind="incident", tps=TPS)
           for i in range(20)]  # fmt: skip
    assert device.push(*ops).status_code == 200


def test_a_client_that_accepts_zstd_gets_zstd(make_device):
    phone = make_device("ptps")
    _many(phone)
    response = _pull(phone, "2", "gzip, zstd")
    assert response.headers["content-encoding"] == "zstd"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert len(response.json()["records"]) == 20  # decoded by the client


@pytest.mark.parametrize("accept", ["gzip", "gzip, zstd;q=0"])
def test_a_gzip_client_gets_gzip(make_device, accept):
    phone = make_device("ptps")
    _many(phone)
    response = _pull(phone, "2", accept)
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["records"]) == 20


def test_a_small_page_goes_uncompressed(make_device):
    phone = make_device("ptps")
    _many(phone)
    headers = {**phone.headers, PROTOCOL_HEADER: "2", "Accept-Encoding": "gzip, zstd"}
    one = phone.client.get("/v1/sync/pull", params={"since": 19}, headers=headers)
    assert len(one.json()["records"]) == 1
    assert "content-encoding" not in one.headers


def _pages(device, protocol: str, limit: int) -> list[PullResponse]:
    pages, since = [], 0
    for _ in range(50):  # bounded: every page advances the cursor
        headers = {**device.headers, PROTOCOL_HEADER: protocol}
        params = {"since": since, "limit": limit}
        response = device.client.get("/v1/sync/pull", params=params, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(PullResponse.model_validate_json(response.content))
        if not pages[-1].more:
            return pages
        since = pages[-1].next
    raise AssertionError("pull never ended")


def _forget_packed(store: Store) -> None:
    """What a database written before records.packed was kept looks like."""
    with store.transaction():
        if isinstance(store, SqliteStore):
            store.db.execute("UPDATE records SET packed = NULL")
        else:
            assert isinstance(store, PgStore)
            store.run("UPDATE records SET packed = NULL")


@pytest.mark.every_backend
@pytest.mark.parametrize("stored", ["packed", "before m017"])
def test_a_packed_page_is_written_from_the_stored_text(corrected, store, stored):
    """Protocol 2 pages come from the stored text (sync_server/sync/pull_wire.py): the same
    records, stamps, cursors and paging as the protocol 1 pages the model writes, for plain
    and corrected records, non-ASCII text and a tombstone, also from rows kept before."""
    text = 'Kotak suara \u201cterlambat\u201d \u00e9 \\ "{}"'
    ops = [corrected.op(f"x{i}", {"jenis": "laporan", "kategori": "logistik", "tps": TPS,
                                  "status": "draft", "uraian": text.format(i)},
                        kind="incident") for i in range(5)]  # fmt: skip
    ops.append(corrected.op("x0", {DELETED: True}, kind="incident"))
    assert corrected.push(*ops).status_code == 200
    if stored != "packed":
        _forget_packed(store)
    old, new = _pages(corrected, "1", 2), _pages(corrected, "2", 2)
    assert len(new) == len(old) == 3
    for a, b in zip(old, new, strict=True):
        assert (b.protocol, b.next, b.more, b.checkpoint) == (2, a.next, a.more, a.checkpoint)
        assert [r.seq for r in b.records] == [r.seq for r in a.records]
        assert [r.versioned() for r in b.records] == [r.versioned() for r in a.records]
        for r in b.records:
            per_field = r.versioned().stamps
            assert r.packed() == pack(r.fields, per_field)  # packed as core/stamps.py does
        wire = [r.model_dump(exclude={"stamps"}) for r in b.records]
        assert wire == [r.model_dump(exclude={"stamps"}) for r in a.records]
