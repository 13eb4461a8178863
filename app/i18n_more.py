"""Field-app strings added after the users' walk-through (issue 14); merged into i18n.S."""

from __future__ import annotations

MORE: dict[str, tuple[str, str]] = {
    "st_all_sent_drafts": (
        "Semua final terkirim - {n} draf belum final",
        "All final records sent - {n} draft(s) not final",
    ),
    "last_sent": ("Terakhir berhasil terkirim: {when}", "Last sent successfully: {when}"),
    "last_sent_never": ("Belum pernah berhasil terkirim", "Nothing sent successfully yet"),
    "save_exit": ("Simpan dan keluar", "Save and exit"),
    "jump_to": ("Ke bagian:", "Go to section:"),
    "filled": ("{n} dari {total} kotak terisi", "{n} of {total} boxes filled"),
    "tap_to_fix": ("Ketuk untuk ke kolomnya", "Tap to go to the field"),
    "required_mark": ("{label} *", "{label} *"),
    "required_note": ("* wajib diisi", "* required"),
    "optional": ("{label} (opsional)", "{label} (optional)"),
    "incident_confirm_title": ("Jadikan laporan final?", "Make this report final?"),
    "and_more": ("dan {n} lainnya", "and {n} more"),
    "sign_out": ("Keluar dari HP ini", "Sign out of this phone"),
    "sign_out_help": (
        "Untuk daftar ulang atau ganti peran. Data yang sudah terkirim tetap di server.",
        "To enrol again or take another role. Records already sent stay on the server.",
    ),
    "sign_out_blocked": (
        "Masih ada {n} data belum terkirim. Kirim dulu di layar Kirim, lalu keluar.",
        "{n} record(s) not sent yet. Send them on the Send screen first, then sign out.",
    ),
    "sign_out_confirm": ("Ya, keluar", "Yes, sign out"),
    "server_change": ("Ganti alamat server", "Change server address"),
    "server_saved": ("Alamat server disimpan", "Server address saved"),
    "server_bad": (
        "Alamat server harus diawali http:// atau https://",
        "The server address must start with http:// or https://",
    ),
    "save": ("Simpan", "Save"),
    "by_other": ("oleh {who}", "by {who}"),
    "other_user": ("pengguna lain", "another user"),
    "pembuat": ("Dibuat oleh", "Made by"),
    "you": ("Anda", "you"),
    "others_assessments": ("Penilaian di TPS ini", "Assessments at this TPS"),
    "no_assessment": ("Belum dinilai", "Not assessed yet"),
    "open_incidents": ("{n} laporan terbuka", "{n} open report(s)"),
    "read_only_others": (
        "Data pengguna lain hanya bisa dilihat.",
        "Other users' records can only be viewed.",
    ),
}
