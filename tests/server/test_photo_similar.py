"""Photo reuse that survives re-encoding: real JPEGs transformed in the test, fingerprinted
by the server (sync_server.blobs.similar), and a reuse across TPS flagged with both photos."""

from __future__ import annotations

import hashlib

import pytest
from PIL import ImageEnhance

from sync_server.blobs.similar import SIMILAR_BITS, distance, fingerprint
from tests.photos import filled_sheet, jpeg
from tests.server.conftest import TPS, TPS_GUDO
from tests.server.recon_helpers import VOTES, form, reconciled, send
from tests.server.test_blobs import upload

SHEET = filled_sheet(11)
ORIGINAL = jpeg(SHEET, 92)
W, H = SHEET.size
SAME_SHEET = {
    "re-encoded": lambda: jpeg(SHEET, 40),
    "resized": lambda: jpeg(SHEET.resize((W // 2, H // 2))),
    "cropped": lambda: jpeg(SHEET.crop((60, 45, W - 60, H - 45))),
    "cropped off-centre": lambda: jpeg(SHEET.crop((100, 0, W, H - 75))),
    "photographed again": lambda: jpeg(
        ImageEnhance.Brightness(SHEET.rotate(1.5, fillcolor=(200, 200, 200))).enhance(1.1)
    ),
    "cropped, resized, re-encoded": lambda: jpeg(
        SHEET.crop((40, 30, W - 40, H - 30)).resize((1200, 900)), 60
    ),
}


@pytest.mark.parametrize("how", list(SAME_SHEET))
def test_the_same_sheet_matches_however_it_was_saved(how):
    a, b = fingerprint(ORIGINAL), fingerprint(SAME_SHEET[how]())
    assert a is not None
    assert b is not None
    assert distance(a, b) <= SIMILAR_BITS


@pytest.mark.parametrize("seed", [12, 13, 14])
def test_another_sheet_of_the_same_form_does_not_match(seed):
    """The hardest case: the same printed form, photographed the same way, other numbers."""
    a, b = fingerprint(ORIGINAL), fingerprint(jpeg(filled_sheet(seed), 92))
    assert a is not None
    assert b is not None
    assert distance(a, b) > SIMILAR_BITS


def test_not_an_image_has_no_fingerprint():
    assert fingerprint(b"\xff\xd8\xff not really a jpeg") is None


def test_a_re_encoded_crop_at_another_tps_is_flagged_with_both_photos(make_device, store):
    copy = SAME_SHEET["cropped, resized, re-encoded"]()
    sha_a, sha_b = (hashlib.sha256(d).hexdigest() for d in (ORIGINAL, copy))
    here = make_device("ptps", scope=["35.17"])
    send(here, "t-a", form(VOTES, photos=[sha_a]))
    send(here, "t-b", form(VOTES, photos=[sha_b]), tps=TPS_GUDO)
    rs = reconciled(store)
    assert "photo_reused" not in rs.get_state(TPS, "ppwp").rules  # two different files so far
    upload(here, ORIGINAL)
    upload(here, copy)  # its fingerprint now looks like the first: both TPS are flagged
    rs = reconciled(store)
    for tps, mine, theirs in ((TPS, sha_a, sha_b), (TPS_GUDO, sha_b, sha_a)):
        state = rs.get_state(tps, "ppwp")
        [flag] = [f for f in state.doc["flags"] if f["rule"] == "photo_reused"]
        assert flag["photos"] == [mine, theirs]
        assert flag["severity"] == 3
        assert "lembar yang sama" in flag["message_id"]
        assert not state.counted or not state.values


def test_two_sheets_of_the_same_form_at_two_tps_are_not_flagged(make_device, store):
    a, b = ORIGINAL, jpeg(filled_sheet(12), 92)
    here = make_device("ptps", scope=["35.17"])
    send(here, "t-a", form(VOTES, photos=[hashlib.sha256(a).hexdigest()]))
    send(here, "t-b", form(VOTES, photos=[hashlib.sha256(b).hexdigest()]), tps=TPS_GUDO)
    upload(here, a)
    upload(here, b)
    for tps in (TPS, TPS_GUDO):
        assert "photo_reused" not in reconciled(store).get_state(tps, "ppwp").rules


def test_one_camera_original_re_encoded_twice_is_flagged_by_its_hash(make_device, store):
    """The phone keeps the original's hash: two files from one original match whatever their
    pixels (here two sheets that do not look alike)."""
    a, b = jpeg(filled_sheet(20), 50), jpeg(filled_sheet(21), 70)
    original = hashlib.sha256(b"camera original bytes").hexdigest()
    here = make_device("ptps", scope=["35.17"])
    send(here, "t-a", form(VOTES, photos=[hashlib.sha256(a).hexdigest()]))
    send(here, "t-b", form(VOTES, photos=[hashlib.sha256(b).hexdigest()]), tps=TPS_GUDO)
    for data in (a, b):
        body = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                "content_type": "image/jpeg", "original_sha256": original}  # fmt: skip
        assert here.client.post("/v1/blobs", json=body, headers=here.headers).status_code < 300
        upload(here, data)
    [flag] = [f for f in reconciled(store).get_state(TPS, "ppwp").doc["flags"]
              if f["rule"] == "photo_reused"]  # fmt: skip
    assert "foto asli kamera yang sama" in flag["message_id"]
