"""Every word the supervisor console shows, in Bahasa Indonesia (default) and English."""

from __future__ import annotations

from typing import Any, get_args

from app.i18n import S as APP
from app.words import lookup
from core.records import Severity
from core.words import WORDS

S: dict[str, tuple[str, str]] = {
    # shell
    "title": ("Konsol Supervisor", "Supervisor console"),
    "nav_queue": ("Antrean", "Queue"),
    "nav_incidents": ("Insiden", "Incidents"),
    "nav_map": ("Peta", "Map"),
    "nav_dashboard": ("Dasbor", "Dashboard"),
    "nav_exports": ("Ekspor", "Exports"),
    "lang_switch": ("English", "Bahasa Indonesia"),
    "reload": ("Muat ulang", "Reload"),
    "loading": ("Memuat…", "Loading…"),
    "close": ("Tutup", "Close"),
    "all": ("Semua", "All"),
    "none": ("-", "-"),
    # errors: say what to do
    "err_offline": (
        "Server tidak terjangkau. Periksa jaringan atau alamat server, lalu tekan Muat ulang.",
        "Server unreachable. Check the network or the server address, then press Reload.",
    ),
    "err_auth": (
        "Server menolak akun ini: {msg}. Minta admin memeriksa peran dan wilayah Anda.",
        "The server refused this account: {msg}. Ask the admin to check your role and area.",
    ),
    "err_server": ("Server menolak: {msg}", "The server refused: {msg}"),
    "err_unexpected": (
        "Terjadi kesalahan ({what}); rinciannya tercatat di log. Coba lagi; jika berulang, "
        "hubungi admin.",
        "Something went wrong ({what}); the details are in the log. Try again; if it repeats, "
        "contact the admin.",
    ),
    "err_not_enrolled": (
        "Perangkat ini belum terdaftar sebagai supervisor. Daftarkan dengan kode dari admin.",
        "This device is not enrolled as a supervisor. Enrol it with a code from the admin.",
    ),
    "err_sync": (
        "Tersimpan di laptop ini tetapi belum terkirim: {msg}",
        "Saved on this laptop but not sent yet: {msg}",
    ),
    # enrolment (the console started on its own)
    "enrol_title": ("Daftarkan laptop ini", "Enrol this laptop"),
    "enrol_help": (
        "Isi alamat server dan kode pendaftaran supervisor dari admin.",
        "Fill in the server address and the supervisor enrolment code from your admin.",
    ),
    "enrol_need_code": ("Ketik kode pendaftaran dari admin.", "Type the enrolment code."),
    "enrol_field_role": (
        "Perangkat ini terdaftar sebagai {role}: konsol hanya untuk supervisor dan admin. "
        "Buka aplikasi lapangan (python main.py).",
        "This device is enrolled as {role}: the console is for supervisors and admins only. "
        "Open the field app (python main.py).",
    ),
    # queue
    "queue_title": ("Antrean tinjauan", "Review queue"),
    "queue_count": ("Perlu keputusan", "Need a decision"),
    "count_conflict": ("Sumber berbeda", "Sources disagree"),
    "count_verified": ("Terverifikasi", "Verified"),
    "count_agree": ("Sepakat", "Agree"),
    "count_one": ("Satu sumber", "One source"),
    "count_partial": ("Sebagian satu sumber", "Partly one source"),
    "count_incidents": ("Insiden terbuka", "Open incidents"),
    "count_overdue": ("Lewat tenggat", "Overdue"),
    "f_ballot": ("Surat suara", "Ballot"),
    "queue_range": ("Menampilkan {first}–{last} dari {total}", "Showing {first}–{last} of {total}"),
    "page_first": ("Halaman pertama", "First page"),
    "page_prev": ("Halaman sebelumnya", "Previous page"),
    "page_next": ("Halaman berikutnya", "Next page"),
    "page_last": ("Halaman terakhir", "Last page"),
    "page_size": ("Baris per halaman", "Rows per page"),
    "col_severity": ("Tingkat", "Severity"),
    "col_ballot": ("Surat suara", "Ballot"),
    "col_flag": ("Tanda utama", "Top flag"),
    "col_sources": ("Sumber", "Sources"),
    "open": ("Buka", "Open"),
    "queue_empty": ("Tidak ada yang perlu diputuskan.", "Nothing needs a decision."),
    "type_incident": ("Insiden", "Incident"),
    "sev_0": ("-", "-"),
    # tps comparison
    "tps_title": ("Perbandingan sumber", "Source comparison"),
    "tps_none": (
        "Pilih TPS dari Antrean, atau ketik ID TPS di bawah.",
        "Pick a TPS from the Queue, or type a TPS id below.",
    ),
    "tps_id": ("ID TPS", "TPS id"),
    "show": ("Tampilkan", "Show"),
    "field": ("Isian", "Field"),
    "decision": ("Keputusan", "Decision"),
    "state_agree": ("sama", "agree"),
    "state_conflict": ("BEDA", "DIFFERS"),
    "state_verified": ("diverifikasi", "verified"),
    "state_disputed": ("BEDA dari verifikasi", "DIFFERS from verified"),
    "photo": ("Foto", "Photo"),
    "no_photo": ("tanpa foto", "no photo"),
    "photo_title": ("Foto {source} · {sha}", "Photo {source} · {sha}"),
    "photo_not_here": ("foto belum ada di server", "photo not on the server yet"),
    "photo_loading": ("Mengambil foto…", "Fetching the photo…"),
    "flags": ("Tanda", "Flags"),
    "no_flags": ("Tidak ada tanda.", "No flags."),
    "source_findings": ("Pemeriksaan formulir per sumber", "Form checks per source"),
    "no_findings": ("Formulir setiap sumber lolos pemeriksaan.", "Every source's form passes."),
    "photo_pair_title": ("Bandingkan foto kedua TPS", "Compare the two TPS' photos"),
    "photo_this_tps": ("TPS ini", "This TPS"),
    "photo_other_tps": ("TPS lain", "Other TPS"),
    "history": ("Riwayat", "History"),
    "history_entry": ("{at} · {who} · perangkat {device}", "{at} · {who} · device {device}"),
    "changed": ("mengubah: {fields}", "changed: {fields}"),
    "verify": ("Verifikasi", "Verify"),
    "override_all": ("Ubah nilai yang sepakat juga", "Also change agreed values"),
    "reason": ("Alasan (wajib)", "Reason (required)"),
    "reason_required": ("Tulis alasannya dulu.", "Write the reason first."),
    "bad_number": ("Angka 0-999 saja: {fields}", "Numbers 0-999 only: {fields}"),
    "verify_title": ("Verifikasi TPS {tps}", "Verify TPS {tps}"),
    "verify_summary": ("Nilai yang diputuskan:", "Values decided:"),
    "verify_confirm": ("Simpan dan kirim", "Save and send"),
    "verify_sending": ("Mengirim verifikasi…", "Sending the verification…"),
    "verify_done": ("Verifikasi terkirim.", "Verification sent."),
    "differences": ("{n} isian berbeda", "{n} fields differ"),
    "sources_n": ("{n} sumber", "{n} sources"),
    "verified_by": ("Diverifikasi: {alasan}", "Verified: {alasan}"),
    # incidents
    "inc_title": ("Insiden", "Incidents"),
    "inc_empty": ("Belum ada insiden.", "No incidents yet."),
    "inc_deadline": ("Tenggat", "Deadline"),
    "inc_days_left": ("{n} hari lagi", "{n} days left"),
    "inc_overdue": ("LEWAT TENGGAT", "OVERDUE"),
    "inc_closed": ("selesai", "closed"),
    "inc_assign": ("Ditugaskan ke", "Assigned to"),
    "inc_save_assign": ("Tugaskan", "Assign"),
    "inc_comment": ("Komentar", "Comment"),
    "inc_add_comment": ("Tambah komentar", "Add comment"),
    "inc_next": ("Langkah berikut:", "Next step:"),
    "inc_forward_to": ("Teruskan ke", "Forward to"),
    "inc_saved": ("Perubahan insiden terkirim.", "Incident change sent."),
    "inc_pick": ("Pilih insiden di daftar.", "Pick an incident in the list."),
    # conflicts
    "conf_title": ("Konflik suntingan", "Edit conflicts"),
    "conf_empty": ("Tidak ada konflik terbuka.", "No open conflicts."),
    "conf_current": ("Nilai sekarang", "Current value"),
    "conf_incoming": ("Nilai masuk", "Incoming value"),
    "conf_pick_current": ("Pakai nilai sekarang", "Keep current"),
    "conf_pick_incoming": ("Pakai nilai masuk", "Take incoming"),
    "conf_merge": ("Gabungkan", "Merge"),
    "conf_merge_value": ("Nilai gabungan", "Merged value"),
    "conf_resolved": ("Konflik diselesaikan.", "Conflict resolved."),
    "conf_reason": ("Alasan penyelesaian (wajib)", "Reason for the resolution (required)"),
    "conf_reason_required": (
        "Tulis alasan penyelesaian konflik dulu, lalu pilih nilainya.",
        "Write the reason for the resolution first, then pick the value.",
    ),
    "conf_show_resolved": ("Tampilkan yang sudah selesai", "Show resolved ones"),
    "conf_done_by": (
        "Diselesaikan oleh {who} · {at} · perangkat {device}",
        "Resolved by {who} · {at} · device {device}",
    ),
    "conf_done_value": (
        "Dipakai: {value} ({choice}){written}",
        "Kept: {value} ({choice}){written}",
    ),
    "conf_not_written": (
        " · nilai itu sudah berlaku, tidak ada yang diubah",
        " · already current, nothing changed",
    ),
    "conf_done_reason": ("Alasan: {alasan}", "Reason: {alasan}"),
    "choice_current": ("nilai sekarang", "current value"),
    "choice_incoming": ("nilai masuk", "incoming value"),
    "choice_merge": ("gabungan", "merged"),
    "history_resolution": (
        "menyelesaikan konflik #{id} pada {field}: {value} ({choice}); alasan: {alasan}",
        "resolved conflict #{id} on {field}: {value} ({choice}); reason: {alasan}",
    ),
    "conf_record": (
        "{kind} {record} · TPS {tps} · isian {field}",
        "{kind} {record} · TPS {tps} · field {field}",
    ),
    # map and plan
    "map_title": ("Peta kerawanan dan rencana pengamanan", "Risk map and deployment plan"),
    "map_colour": ("Warna penanda", "Marker colour"),
    "by_category": ("Kerawanan", "Risk"),
    "by_coverage": ("Cakupan sumber", "Source coverage"),
    "cov_0": ("Belum ada laporan", "No report"),
    "cov_1": ("1 sumber", "1 source"),
    "cov_2": ("2 sumber", "2 sources"),
    "cov_3": ("3+ sumber", "3+ sources"),
    "incidents_layer": ("Lapisan insiden", "Incidents layer"),
    "no_tiles": (
        "Tanpa ubin peta (offline): penanda dan nama kecamatan tetap tampil.",
        "No map tiles (offline): markers and district names still show.",
    ),
    "tiles_from": ("Ubin peta: {url}", "Map tiles: {url}"),
    "demo_positions": (
        "Posisi TPS tanpa GPS adalah posisi DEMO di sekitar pusat kecamatan.",
        "TPS without GPS are shown at DEMO positions around the district centre.",
    ),
    "plan_title": ("Rencana pengamanan per kecamatan", "Deployment plan per district"),
    "plan_polisi_avail": ("Polisi tersedia", "Police available"),
    "plan_linmas_avail": ("Linmas tersedia", "Linmas available"),
    "plan_apply": ("Hitung", "Compute"),
    "plan_csv": ("Ekspor CSV rencana", "Export plan CSV"),
    "col_unassessed": ("Belum dinilai", "Not assessed"),
    "map_clusters": (
        "Angka dalam lingkaran = jumlah TPS di tempat itu (warna: kategori terbanyak). "
        "Perbesar dengan tombol + untuk melihat tiap TPS.",
        "A number in a disc = TPS at that place (colour: the most common category). "
        "Zoom in with + to see each TPS.",
    ),
    "photo_zoom": ("Klik untuk memperbesar", "Click to zoom"),
    "photo_of": ("Foto C.Hasil {source}", "C.Hasil photo {source}"),
    "map_zoom_in": ("Perbesar peta", "Zoom in"),
    "map_zoom_out": ("Perkecil peta", "Zoom out"),
    "col_polisi": ("Polisi perlu", "Police needed"),
    "col_linmas": ("Linmas perlu", "Linmas needed"),
    "total": ("Jumlah", "Total"),
    "avail_short": ("{who}: kurang {n}", "{who}: short by {n}"),
    "avail_ok": ("{who}: cukup", "{who}: enough"),
    "avail_unknown": (
        "{who}: belum diisi, jadi belum diketahui cukup atau tidak",
        "{who}: not filled in, so not known whether enough",
    ),
    "who_linmas": ("Linmas", "Linmas"),
    "pattern_help": (
        "Pola polisi-TPS-linmas: berapa polisi menjaga satu kelompok TPS, dibantu berapa linmas.",
        "Police-TPS-linmas pattern: how many police guard a group of TPS, helped by how many "
        "linmas.",
    ),
    "pattern_line": (
        "{name} {polisi}-{tps}-{linmas}: {polisi} polisi menjaga {tps} TPS bersama {linmas} linmas",
        "{name} {polisi}-{tps}-{linmas}: {polisi} police guard {tps} TPS with {linmas} linmas",
    ),
    # dashboard
    "dash_title": ("Dasbor", "Dashboard"),
    "dash_votes": (
        "Suara per calon/partai · {ballot} (nilai sepakat/terverifikasi)",
        "Votes per candidate/party · {ballot} (agreed/verified values)",
    ),
    "dash_decided": (
        "{d} dari {n} TPS sudah pasti ({p}%), {v} terverifikasi",
        "{d} of {n} TPS decided ({p}%), {v} verified",
    ),
    "dash_flags": ("Tanda terbanyak", "Top flags"),
    "dash_progress": (
        "Progres laporan per kecamatan · {ballot}",
        "Reporting progress per district · {ballot}",
    ),
    "dash_progress_note": (
        "Jam ({zone}): jumlah TPS yang sudah mengirim C.Hasil final, bertambah sepanjang hari.",
        "Hour ({zone}): TPS that have sent a final C.Hasil, growing over the day.",
    ),
    "dash_recap": (
        "Rekap resmi (D.Hasil) dan selisih · {ballot}",
        "Official recap (D.Hasil) and differences · {ballot}",
    ),
    "dash_recap_none": (
        "Belum ada angka rekap. Impor CSV D.Hasil (tingkat, kode, ballot, suara.<no>).",
        "No recap figures yet. Import a D.Hasil CSV (tingkat, kode, ballot, suara.<no>).",
    ),
    "recap_import": ("Impor rekap D.Hasil (CSV)", "Import D.Hasil recap (CSV)"),
    "recap_importing": ("Mengimpor {name} ...", "Importing {name} ..."),
    "recap_imported": ("{n} baris rekap diimpor.", "{n} recap rows imported."),
    "recap_not_text": ("{name} bukan berkas teks CSV (UTF-8).", "{name} is not a UTF-8 CSV."),
    "recap_row": (
        "{code} {label}: rekap {recap}, TPS pasti {tps_sum}, selisih {selisih}; "
        "{n_open} dari {tps} TPS masih terbuka",
        "{code} {label}: recap {recap}, counted TPS {tps_sum}, difference {selisih}; "
        "{n_open} of {tps} TPS still open",
    ),
    "dash_reported": ("TPS melapor", "TPS reporting"),
    "dash_incidents": ("Kejadian per kategori", "Incidents by category"),
    "dash_incident_status": (
        "{open} masih diproses, {closed} selesai",
        "{open} still being handled, {closed} closed",
    ),
    "dash_no_incidents": ("Belum ada laporan kejadian.", "No incident reports yet."),
    "dash_personnel": ("Personel menurut rencana", "Personnel against the plan"),
    "dash_need": ("{who}: perlu {need}, tersedia {have}", "{who}: need {need}, available {have}"),
    "dash_unknown": ("belum diisi (di Peta)", "not filled in (on Map)"),
    "dash_no_votes": ("Belum ada suara yang pasti.", "No decided votes yet."),
    # exports
    "exp_title": ("Ekspor", "Exports"),
    "exp_folder": ("Berkas disimpan di folder: {path}", "Files are saved in the folder: {path}"),
    "exp_tallies": ("Hasil penghitungan", "Tallies"),
    "exp_reconciliation": ("Rekonsiliasi", "Reconciliation"),
    "exp_recap": ("Rekap D.Hasil dan selisih", "D.Hasil recap and differences"),
    "exp_incidents": ("Insiden", "Incidents"),
    "exp_geojson": ("GeoJSON TPS (QGIS)", "TPS GeoJSON (QGIS)"),
    "exp_evidence_tps": ("Paket bukti TPS (ZIP)", "TPS evidence bundle (ZIP)"),
    "exp_evidence_incident": ("Paket bukti insiden (ZIP)", "Incident evidence bundle (ZIP)"),
    "exp_incident_id": ("ID insiden", "Incident id"),
    "exp_progress": ("Mengunduh {name}: {kb} KB", "Downloading {name}: {kb} KB"),
    "exp_saved": ("Tersimpan: {path}", "Saved: {path}"),
    "exp_recent": ("Berkas terakhir", "Recent files"),
    "exp_need_id": ("Isi ID dulu.", "Fill in the id first."),
}

# Words the field app (app.i18n) or every reader (core.words) already hold, under the console's
# keys: written once, so the phone, the console and the exports say the same.
SHARED: dict[str, str] = {
    "cancel": "cancel",
    "nav_tps": "nav_tps",
    "col_tps": "nav_tps",
    "col_tps_n": "nav_tps",
    "nav_conflicts": "conflicts",
    "col_status": "status",
    "f_status": "status",
    "f_flag": "lvl_flag",
    "enrol_server": "server_url",
    "enrol_code": "enrol_code",
    "enrol_submit": "enrol_submit",
    "f_kecamatan": "kecamatan",
    "col_kecamatan": "kecamatan",
    "dash_kerawanan": "assessment",
    "inc_comments": "komentar",
    "who_polisi": "role_polisi",
    "kind_tally": "kind_tally",
    "kind_assessment": "kind_assessment",
    "kind_location": "kind_location",
    "kind_verification": "kind_verification",
}
S.update({key: APP[theirs] for key, theirs in SHARED.items()})
S.update(
    {f"sev_{n}": WORDS[f"tingkat_{level}"] for n, level in enumerate(get_args(Severity), start=1)}
)
S.update({f"to_{k[14:]}": v for k, v in WORDS.items() if k.startswith("diteruskan_ke_")})
S.update({k: v for k, v in WORDS.items() if k.startswith("proses_")})
S["kind_incident"] = S["type_incident"]
S["state_single"] = WORDS["state_single"]


def t(lang: str, key: str, **kw: Any) -> str:
    """The console's string for `key` in `lang`."""
    return lookup(S, lang, key, **kw)


def pick(lang: str, pair: Any) -> str:
    """One side of a server-sent `[id, en]` pair."""
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return str(pair[1] if lang == "en" else pair[0])
    return str(pair or "")
