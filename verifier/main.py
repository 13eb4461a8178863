"""`pantau-verify BUNDLE.zip [--server-key=KEY]`: an evidence bundle checked offline.
(Write the key with "=": a base64url key may start with "-".)

Prints a verdict in Bahasa Indonesia and English naming exactly what failed; exit status 0 when
everything holds, 1 when something failed, 2 when the file cannot be read. Needs no server and
no network: only core/ (core/bundle_check.py) and cryptography.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from core.bundle_check import Verdict, check
from core.checkpoint import to_text


def read_bundle(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if not name.endswith("/")}


def _when(ms: int | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def render(v: Verdict) -> str:
    lines = [
        "HASIL: SAH - semua pemeriksaan lolos" if v.ok else "HASIL: TIDAK SAH - ada yang gagal",
        "VERDICT: VALID - every check passed" if v.ok else "VERDICT: NOT VALID - checks failed",
        "",
    ]
    for f in v.findings:
        lines += [f"GAGAL  {f.where}: {f.id}", f"FAILED {f.where}: {f.en}"]
    lines += [
        "",
        f"{v.signed_ops} op bertanda tangan perangkat / device-signed ops; {v.server_ops} "
        f"ditulis server atas nama supervisor / written by the server for a supervisor; "
        f"{v.records} data / records; {v.photos} foto / photos",
        "Perangkat / devices:",
    ]
    for d in v.devices:
        lines.append(f"  {d.device_id} kunci/key {d.key_id}: daftar/enrolled {_when(d.enrolled_ms)}"
                     f", berlaku/valid {_when(d.from_ms)} - {_when(d.until_ms)}, dicabut/revoked "
                     f"{_when(d.revoked_ms)}")  # fmt: skip
    if v.checkpoint is not None:
        lines += ["", to_text(v.checkpoint).rstrip()]
        if v.after_checkpoint:
            lines.append(f"{v.after_checkpoint} entri lebih baru dari checkpoint / entries newer "
                         "than the checkpoint")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pantau-verify",
        description="Periksa bundel bukti Pantau TPS tanpa server / check an evidence bundle "
        "offline",
    )
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--server-key", help="kunci publik server yang diumumkan / the "
                        "server's published public key")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        files = read_bundle(args.bundle)
    except (OSError, zipfile.BadZipFile) as exc:
        print(f"Gagal: {args.bundle} bukan ZIP yang terbaca ({exc})", file=sys.stderr)
        print(f"Failed: {args.bundle} is not a readable ZIP", file=sys.stderr)
        return 2
    verdict = check(files, args.server_key)
    sys.stdout.write(render(verdict))
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
