"""Admin CLI (`pantau-server`): init, import-region, users, enrolment codes, devices, serve.

Every failure prints a message in Bahasa Indonesia and exits non-zero, never a traceback.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import psycopg
import typer

from core import signing
from core.checkpoint import parse as parse_checkpoints
from core.checkpoint import to_text as checkpoint_text
from core.enrolment import check_server_url, with_pin
from core.errors import DomainError
from core.protocol import Checkpoint
from sync_server.admin import accounts, demo, enrol_qr, serve_cli
from sync_server.review import official, recap
from sync_server.secret import server_key
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.opener import StoreOpener
from sync_server.sync import audit
from sync_server.sync import checkpoints as checkpoints_mod
from sync_server.sync.checkpoints import load_or_create_key
from sync_server.tls import fingerprint

cli = typer.Typer(
    help="Server sinkronisasi Pantau TPS: administrasi dan menjalankan server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
DbOption = Annotated[
    Path | None, typer.Option("--db", help="Berkas database SQLite (bawaan: PANTAU_DB_PATH)")
]
TlsCertOption = Annotated[
    Path | None,
    typer.Option(
        "--tls-cert",
        help="Sertifikat server (PEM): sidiknya masuk ke kode QR agar HP menyematkannya "
        "(bawaan: PANTAU_TLS_CERT)",
    ),
]
ServerUrlOption = Annotated[
    str | None,
    typer.Option(
        "--server-url",
        help="Alamat server di dalam kode QR, yang bisa dijangkau HP "
        "(bawaan: http://127.0.0.1:PANTAU_PORT)",
    ),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Gagal: {message}", err=True)
    return typer.Exit(code=1)


def _settings(db: Path | None) -> Settings:
    """PANTAU_* settings; `--db` names a SQLite file and wins over PANTAU_DATABASE_URL."""
    settings = Settings()
    if db is not None:
        settings = settings.model_copy(update={"db_path": db, "database_url": None})
    return settings


@contextmanager
def _store(db: Path | None) -> Iterator[Store]:
    """Open and migrate the database; turn every known failure into a clear message."""
    settings = _settings(db)
    where = "PostgreSQL (PANTAU_DATABASE_URL)" if settings.database_url else str(settings.db_path)
    try:
        opener = StoreOpener(settings)
        store = opener()
    except (OSError, sqlite3.Error, psycopg.Error) as exc:
        raise _fail(f"database {where} tidak bisa dibuka ({exc})") from None
    try:
        yield store
    except DomainError as exc:
        raise _fail(exc.message_id) from None
    except (sqlite3.Error, psycopg.Error) as exc:
        raise _fail(f"kesalahan database {where}: {exc}") from None
    finally:
        store.close()
        opener.close()


def _key(settings: Settings, db: Path | None) -> bytes:
    """The server key beside the database the command works on (the server reads the same)."""
    return server_key(settings.model_copy(update={"db_path": db}) if db else settings)


@cli.command()
def init(db: DbOption = None) -> None:
    """Buat (atau perbarui) database server."""
    with _store(db):
        typer.echo("Database siap.")


@cli.command("import-region")
def import_region(csv_file: Path, db: DbOption = None) -> None:
    """Impor wilayah dan TPS dari CSV; semua baris atau tidak sama sekali."""
    with _store(db) as store:
        registry = accounts.import_region(store, csv_file)
        typer.echo(f"Diimpor {len(registry.areas)} wilayah dan {len(registry.tps)} TPS.")


@cli.command("import-official")
def import_official(data_file: Path, db: DbOption = None) -> None:
    """Impor angka resmi per TPS (CSV atau JSON) sebagai sumber 'resmi'; semua atau tidak."""
    settings = Settings()
    with _store(db) as store:
        n = official.import_file(store, data_file, settings.now_ms(), settings.election_file)
        typer.echo(f"Diimpor {n} angka resmi TPS.")


@cli.command("import-recap")
def import_recap(data_file: Path, db: DbOption = None) -> None:
    """Impor angka rekapitulasi resmi (D.Hasil) per desa/kecamatan dari CSV; semua atau tidak."""
    settings = Settings()
    with _store(db) as store:
        n = recap.import_file(store, data_file, settings.now_ms(), settings.election_file)
        typer.echo(f"Diimpor {n} baris rekap (D.Hasil).")


@cli.command("create-user")
def create_user(
    name: Annotated[str, typer.Option("--name", help="Nama lengkap")],
    role: Annotated[str, typer.Option("--role", help="saksi, ptps, polisi, supervisor, admin")],
    scope: Annotated[
        list[str], typer.Option("--scope", help="ID TPS atau kode wilayah; boleh berulang")
    ],
    party: Annotated[int | None, typer.Option("--party", help="Nomor partai (saksi)")] = None,
    db: DbOption = None,
) -> None:
    """Tambah pengguna dan cetak ID-nya."""
    with _store(db) as store:
        user = accounts.create_user(store, name, role, scope, party)
        typer.echo(user.id)


def _qr_server(server_url: str | None, settings: Settings, tls_cert: Path | None) -> str:
    """The address to put in QR codes (with the certificate's fingerprint under TLS), checked
    before any code is issued."""
    cert = tls_cert or settings.tls_cert
    url = server_url or enrol_qr.default_server_url(settings.port, https=cert is not None)
    try:
        url = check_server_url(url)
        if cert is not None:
            url = with_pin(url, fingerprint(cert))
    except DomainError as exc:
        raise _fail(exc.message_id) from None
    except (OSError, ValueError) as exc:
        raise _fail(f"sertifikat {cert} tidak bisa dibaca ({exc})") from None
    if enrol_qr.only_this_computer(url):
        typer.echo(
            f"Catatan: {url} hanya bisa dijangkau dari komputer ini; untuk HP pakai "
            "--server-url https://<alamat-IP-server>:<port> --tls-cert <cert.pem>",
            err=True,
        )
    return url


@cli.command("enrol-code")
def enrol_code(
    user_id: str,
    db: DbOption = None,
    qr: Annotated[
        Path | None,
        typer.Option("--qr", help="Tulis juga gambar kode QR (PNG) berisi alamat server dan kode"),
    ] = None,
    server_url: ServerUrlOption = None,
    tls_cert: TlsCertOption = None,
) -> None:
    """Buat kode pendaftaran sekali pakai untuk pengguna dan cetak kodenya."""
    settings = Settings()
    url = _qr_server(server_url, settings, tls_cert) if qr else ""
    with _store(db) as store:
        code = accounts.issue_enrol_code(
            store, user_id, settings.now_ms(), settings.enrol_code_ttl_hours,
            key=_key(settings, db),
        )  # fmt: skip
        typer.echo(code)
        if qr:
            enrol_qr.write_qr(qr, url, code)
            typer.echo(f"Kode QR disimpan: {qr}")


@cli.command()
def revoke(device_id: str, db: DbOption = None) -> None:
    """Cabut akses satu perangkat seketika."""
    with _store(db) as store:
        if not store.revoke_device(device_id, Settings().now_ms()):
            raise _fail(f"perangkat '{device_id}' tidak ada; lihat list-devices")
        typer.echo(f"Perangkat {device_id} dicabut.")


@cli.command("list-devices")
def list_devices(db: DbOption = None) -> None:
    """Daftar perangkat: id, pengguna, nama, status."""
    with _store(db) as store:
        for d in store.list_devices():
            status = "dicabut" if d.revoked else "aktif"
            typer.echo(f"{d.id}\t{d.user_id}\t{d.name}\t{status}")


@cli.command("list-users")
def list_users(db: DbOption = None) -> None:
    """Daftar pengguna: id, peran, partai, wilayah, nama."""
    with _store(db) as store:
        for u in store.list_users():
            party = "" if u.party is None else str(u.party)
            typer.echo(f"{u.id}\t{u.role}\t{party}\t{','.join(u.scope)}\t{u.name}")


def _server_public_key(settings: Settings) -> str | None:
    path = settings.key_path()
    if not path.is_file():
        return None
    return signing.public_key_of(load_or_create_key(path))


def _read_checkpoints(path: Path) -> list[Checkpoint]:
    try:
        return parse_checkpoints(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _fail(f"berkas checkpoint {path} tidak terbaca ({exc})") from None


@cli.command("verify-log")
def verify_log(
    db: DbOption = None,
    checkpoints: Annotated[
        Path | None,
        typer.Option("--checkpoints", help="Berkas checkpoint yang dipegang HP/publik (teks/JSON)"),
    ] = None,
) -> None:
    """Periksa log: rantai hash, tanda tangan tiap batch dan op, tabel data dibanding log, dan
    bahwa log masih memperpanjang tiap checkpoint yang diberikan."""
    settings = Settings()
    held = _read_checkpoints(checkpoints) if checkpoints else []
    with _store(db) as store:
        report = audit.verify(store, held, _server_public_key(settings))
    for finding in report.findings[:50]:
        typer.echo(f"GAGAL/FAILED {finding.where}: {finding.id} / {finding.en}", err=True)
    if report.findings:
        raise _fail(f"{len(report.findings)} masalah di log perubahan; laporkan kepada admin")
    if report.legacy_ops:
        typer.echo(f"Catatan: {report.legacy_ops} op tanpa tanda tangan, dicatat sebelum "
                   f"tanda tangan dimulai (s.d. entri {report.unsigned_until}).")  # fmt: skip
    typer.echo(
        f"Log perubahan utuh / change log intact: {report.entries} entri, "
        f"{report.signed_ops} op bertanda tangan perangkat, {report.server_ops} op ditulis "
        f"server, {report.records} data sama dengan log, {report.checkpoints} checkpoint "
        "diperpanjang."
    )


@cli.command()
def checkpoint(
    db: DbOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Tambahkan juga ke berkas ini (teks)")
    ] = None,
) -> None:
    """Tandatangani kepala log sekarang dan cetak checkpoint-nya (untuk dicetak/diumumkan)."""
    settings = Settings()
    key = load_or_create_key(settings.key_path())
    with _store(db) as store:
        cp = checkpoints_mod.make(store, key, settings.now_ms())
    text = checkpoint_text(cp)
    typer.echo(text, nl=False)
    if out is not None:
        with out.open("a", encoding="utf-8") as handle:
            handle.write(text)


@cli.command("gc-tombstones")
def gc_tombstones(db: DbOption = None) -> None:
    """Buang data terhapus yang sudah diterima semua perangkat aktif (log tetap utuh)."""
    with _store(db) as store:
        n = store.gc_tombstones()
    typer.echo(f"{n} data terhapus dibersihkan.")


@cli.command("seed-demo")
def seed_demo(
    db: DbOption = None,
    region_csv: Annotated[Path | None, typer.Option("--region-csv")] = None,
    records: Annotated[
        int, typer.Option("--records", help="Jumlah TPS yang diberi data contoh (0 = tidak ada)")
    ] = 300,
    qr_dir: Annotated[
        Path | None,
        typer.Option("--qr-dir", help="Tulis satu gambar kode QR (PNG) per pengguna demo di sini"),
    ] = None,
    server_url: ServerUrlOption = None,
    tls_cert: TlsCertOption = None,
    blob_dir: Annotated[
        Path | None,
        typer.Option("--blob-dir", help="Folder foto server (bawaan: PANTAU_BLOB_DIR)"),
    ] = None,
) -> None:
    """Isi data DEMO Jombang: wilayah, satu pengguna tiap peran, kode pendaftaran, data contoh."""
    settings = Settings() if blob_dir is None else Settings(blob_dir=blob_dir)
    url = _qr_server(server_url, settings, tls_cert) if qr_dir else ""
    with _store(db) as store:
        codes = demo.seed(
            store,
            region_csv or settings.region_csv,
            settings.now_ms(),
            settings.enrol_code_ttl_hours,
            key=_key(settings, db),
        )
        if records:
            n = demo.seed_records(store, settings, records)
            typer.echo(f"{n} data contoh (tally, kerawanan, kejadian) dikirim lewat jalur sinkron.")
        if qr_dir:
            for name, code in codes:
                enrol_qr.write_qr(qr_dir / enrol_qr.file_name(name), url, code)
    typer.echo("DATA DEMO (bukan data resmi). Kode pendaftaran:")
    for name, code in codes:
        typer.echo(f"{code}\t{name}")
    if qr_dir:
        typer.echo(f"Gambar kode QR ({url}): {qr_dir}")


@cli.command("open-codes")
def open_codes(codes_file: Path, db: DbOption = None) -> None:
    """Cetak baris `kode<TAB>nama` dari berkas yang kodenya masih bisa dipakai (belum dipakai,
    belum kedaluwarsa), misalnya data/demo-codes.txt dari seed-demo."""
    if not codes_file.is_file():
        raise _fail(f"berkas {codes_file} tidak ada")
    settings = Settings()
    now, key = settings.now_ms(), _key(settings, db)
    with _store(db) as store:
        for line in codes_file.read_text(encoding="utf-8").splitlines():
            code, tab, _name = line.partition("\t")
            if tab and accounts.code_open(store, code, now, key=key):
                typer.echo(line)


@cli.command("expire-uploads")
def expire_uploads(db: DbOption = None) -> None:
    """Buang unggahan foto yang tidak selesai dan lebih tua dari PANTAU_BLOB_UPLOAD_TTL_HOURS."""
    from sync_server.blobs.uploads import expire_uploads as expire

    settings = Settings()
    with _store(db) as store:
        dropped = expire(store, settings)
    typer.echo(f"{dropped} unggahan foto kedaluwarsa dibuang.")


serve_cli.register(cli)  # serve (TLS) and tls-init


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
