"""Device photos: re-encoding, EXIF, content-addressed files, the photos table and its queue."""

import hashlib
import io

import pytest
from PIL import Image

from app.store import Identity, open_store
from app.store.photo_codec import MAX_SIDE, TARGET_BYTES
from app.store.photos import (
    add_photo,
    citing_records,
    mark_sent,
    photo,
    photo_dir,
    photo_path,
    photo_progress,
    remove_photo,
    upload_queue,
)
from core.errors import DomainError
from tests.photos import form_photo

TPS = "3517012001001"


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "device.db")
    s.set_identity(Identity("http://test", "dev-1", "tok", "u-1", "Siti", "saksi", 1, (TPS,)))
    return s


@pytest.fixture(scope="module")
def camera_photo():
    return form_photo(4000, 3000, seed=1)


def test_add_photo_keeps_original_hash_and_stores_a_small_jpeg(store, camera_photo):
    sha = add_photo(store, camera_photo)
    stored = photo_path(store, sha)
    data = stored.read_bytes()
    assert stored == photo_dir(store) / sha[:2] / f"{sha}.jpg"
    assert hashlib.sha256(data).hexdigest() == sha
    got = photo(store, sha)
    assert got is not None
    assert got.original_sha256 == hashlib.sha256(camera_photo).hexdigest()
    assert got.size == len(data) <= TARGET_BYTES * 1.05
    assert max(got.width, got.height) == MAX_SIDE
    assert got.state == "pending"
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    assert img.size == (got.width, got.height)


def test_exif_time_and_gps_kept_orientation_applied(store):
    sideways = form_photo(400, 200, seed=2, orientation=6)
    sha = add_photo(store, sideways)
    img = Image.open(photo_path(store, sha))
    exif = img.getexif()
    assert img.size == (200, 400)  # rotated into the pixels
    assert 0x0112 not in exif
    assert exif.get_ifd(0x8769)[36867] == "2024:02:14 13:05:01"
    assert exif.get_ifd(0x8825)[1] == "S"
    assert exif.get_ifd(0x8825)[3] == "E"
    got = photo(store, sha)
    assert got is not None
    assert got.taken == "2024:02:14 13:05:01"
    assert got.has_gps


def test_photo_without_exif_and_png_with_alpha(store):
    plain = add_photo(store, form_photo(300, 300, seed=3, taken=None, gps=False))
    got = photo(store, plain)
    assert got is not None
    assert got.taken is None
    assert not got.has_gps
    rgba = Image.new("RGBA", (64, 48), (255, 0, 0, 128))
    out = io.BytesIO()
    rgba.save(out, "PNG")
    sha = add_photo(store, out.getvalue())
    assert Image.open(photo_path(store, sha)).mode == "RGB"


def test_same_original_twice_is_one_photo(store, tmp_path, camera_photo):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(camera_photo)
    first = add_photo(store, camera_photo)
    assert add_photo(store, path) == first
    assert add_photo(store, str(path)) == first
    assert store.db.table("photos").count == 1


@pytest.mark.parametrize(
    "source",
    [
        b"",
        b"not an image at all",
        form_photo(64, 64, seed=4)[:300],
        b"\x89PNG\r\n\x1a\n" + b"0" * 40,
    ],
    ids=["empty", "text", "truncated-jpeg", "fake-png"],
)
def test_bad_file_is_a_clear_bilingual_error_and_writes_nothing(store, source):
    with pytest.raises(DomainError) as exc:
        add_photo(store, source)
    assert exc.value.code == "bad_photo"
    assert "foto" in exc.value.message_id.lower()
    assert "photo" in exc.value.message_en.lower()
    assert store.db.table("photos").count == 0
    assert not photo_dir(store).exists() or not any(photo_dir(store).rglob("*.jpg"))


def test_missing_file_is_a_bad_photo(store, tmp_path):
    with pytest.raises(DomainError) as exc:
        add_photo(store, tmp_path / "gone.jpg")
    assert exc.value.code == "bad_photo"


def test_queue_holds_photos_cited_by_shared_records_only(store):
    a = add_photo(store, form_photo(320, 240, seed=5))
    b = add_photo(store, form_photo(320, 240, seed=6))
    add_photo(store, form_photo(320, 240, seed=7))  # cited by nothing
    store.save_draft("draft", "tally", TPS, {"photos": [a]})
    assert upload_queue(store) == []
    store.save("t1", "tally", TPS, {"photos": [a, b]})
    store.save("i1", "incident", TPS, {"bukti": [b]})
    assert {p.sha256 for p in upload_queue(store)} == {a, b}
    assert citing_records(store, b) == ["i1", "t1"]
    progress = photo_progress(store)
    assert progress.pending == 2
    assert progress.bytes_sent == 0
    assert progress.waiting_records == ("i1", "t1")
    mark_sent(store, a, 10)
    assert photo_progress(store).bytes_sent == 10
    mark_sent(store, b, photo(store, b).size, complete=True)
    progress = photo_progress(store)
    assert progress.pending == 1
    assert progress.waiting_records == ("t1",)
    store.delete("t1")
    assert upload_queue(store) == []
    assert photo_progress(store).waiting_records == ()


def test_remove_photo_only_when_no_record_cites_it(store):
    sha = add_photo(store, form_photo(320, 240, seed=8))
    store.save_draft("d1", "incident", TPS, {"bukti": [sha]})
    assert remove_photo(store, sha) is False
    assert photo_path(store, sha).exists()
    store.save_draft("d1", "incident", TPS, {"bukti": []})
    assert remove_photo(store, sha) is True
    assert not photo_path(store, sha).exists()
    assert photo(store, sha) is None


def test_photos_survive_reopening_the_store(tmp_path):
    s = open_store(tmp_path / "device.db")
    sha = add_photo(s, form_photo(320, 240, seed=9))
    s.db.conn.close()
    again = open_store(tmp_path / "device.db")
    assert photo(again, sha) is not None
    assert photo_path(again, sha).exists()
