"""`pantau-server serve` (with TLS) and `pantau-server tls-init`, registered on the admin CLI.

Plain HTTP is served only on a loopback address unless explicitly allowed: a LAN or a 2G link
would carry device tokens in clear.
"""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path
from typing import Annotated

import typer

from sync_server.settings import Settings

DbOption = Annotated[
    Path | None, typer.Option("--db", help="Berkas database SQLite (bawaan: PANTAU_DB_PATH)")
]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_refusal(settings: Settings) -> str | None:
    """Why `serve` must not start without TLS here, or None when it may."""
    if settings.tls_cert or is_loopback(settings.host) or settings.allow_plain_http:
        return None
    return (
        f"tanpa TLS server hanya boleh mendengar di 127.0.0.1, bukan {settings.host}: token "
        "perangkat akan lewat tanpa sandi. Buat sertifikat dengan `pantau-server tls-init "
        "--host <alamat-IP>` lalu jalankan `serve --tls-cert ... --tls-key ...` (atau, bila "
        "memang sengaja, --allow-plain-http)"
    )


def tls_init(
    host: Annotated[
        list[str],
        typer.Option("--host", help="Alamat IP atau nama server di LAN; boleh berulang"),
    ],
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder sertifikat")] = Path(
        "data/tls"
    ),
) -> None:
    """Buat sertifikat swa-tanda tangan untuk LAN ruang operasi; cetak sidik SHA-256-nya."""
    from sync_server.admin.cli import _fail  # the CLI module imports this one
    from sync_server.tls import make_self_signed

    cert, key = out_dir / "cert.pem", out_dir / "key.pem"
    try:
        pin = make_self_signed(host, cert, key)
    except (OSError, ValueError) as exc:
        raise _fail(f"sertifikat tidak bisa dibuat di {out_dir} ({exc})") from None
    typer.echo(f"Sertifikat: {cert}\nKunci (0600): {key}\nSidik SHA-256: {pin}")


def serve(
    host: Annotated[str | None, typer.Option("--host", help="Bawaan: PANTAU_HOST")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Bawaan: PANTAU_PORT")] = None,
    db: DbOption = None,
    tls_cert: Annotated[Path | None, typer.Option("--tls-cert", help="Sertifikat (PEM)")] = None,
    tls_key: Annotated[Path | None, typer.Option("--tls-key", help="Kunci (PEM)")] = None,
    allow_plain_http: Annotated[
        bool, typer.Option("--allow-plain-http", help="Izinkan HTTP biasa di luar 127.0.0.1")
    ] = False,
) -> None:
    """Jalankan server sinkronisasi (HTTPS dengan --tls-cert/--tls-key)."""
    import uvicorn

    from sync_server.admin.cli import _fail, _store  # the CLI module imports this one
    from sync_server.main import create_app

    update = {"host": host, "port": port, "db_path": db, "tls_cert": tls_cert,
              "tls_key": tls_key, "allow_plain_http": allow_plain_http or None}  # fmt: skip
    settings = Settings()
    settings = settings.model_copy(update={k: v for k, v in update.items() if v is not None})
    if (settings.tls_cert is None) != (settings.tls_key is None):
        raise _fail("--tls-cert dan --tls-key harus diberikan bersama")
    refusal = plain_http_refusal(settings)
    if refusal:
        raise _fail(refusal)
    with _store(settings.db_path):
        pass  # fail here, in words, before uvicorn starts
    # proxy_headers=False: X-Forwarded-For counts only from PANTAU_TRUSTED_PROXIES.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                proxy_headers=False, ssl_certfile=settings.tls_cert,
                ssl_keyfile=settings.tls_key)  # fmt: skip


def register(cli: typer.Typer) -> None:
    """Add `tls-init` and `serve` to the admin CLI."""
    cli.command("tls-init")(tls_init)
    cli.command()(serve)
