"""Every string the field app shows, in Bahasa Indonesia (default) and English (domain.md words)."""

from __future__ import annotations

from typing import Any

from app.i18n_more import MORE
from app.words import lookup
from core.words import WORDS

S: dict[str, tuple[str, str]] = {
    "app_title": ("Pantau TPS", "Pantau TPS"),
    # navigation
    "nav_tps": ("TPS", "TPS"),
    "nav_laporan": ("Laporan", "Reports"),
    "nav_kirim": ("Kirim", "Send"),
    "nav_saya": ("Saya", "Me"),
    "back": ("Kembali", "Back"),
    # status strip and chips
    "st_offline": ("Offline - {n} belum terkirim", "Offline - {n} not sent"),
    "st_offline_none": ("Offline - semua data aman di HP", "Offline - all data safe on phone"),
    "st_sending": ("Mengirim {done} dari {total}", "Sending {done} of {total}"),
    "st_pulling": ("Memeriksa pembaruan...", "Checking for updates..."),
    "st_waiting": ("{n} belum terkirim", "{n} not sent"),
    "st_all_sent": ("Semua terkirim", "All sent"),
    "st_offline_photos": ("Offline - {n} foto belum terkirim", "Offline - {n} photo(s) not sent"),
    "st_photos_sending": ("Mengirim foto {sent} dari {total}", "Sending photos {sent} of {total}"),
    "st_photos_waiting": ("{n} foto belum terkirim", "{n} photo(s) not sent"),
    "st_failed": ("{k} gagal", "{k} failed"),
    "st_unknown": ("Belum tersambung ke server", "Not connected to the server yet"),
    "chip_empty": ("Kosong", "Empty"),
    "chip_draft": ("Draf", "Draft"),
    "chip_final_pending": ("Final (belum terkirim)", "Final (not sent)"),
    "chip_pending": ("Belum terkirim", "Not sent"),
    "chip_sent": ("Terkirim", "Sent"),
    "chip_attention": ("Perlu perhatian", "Needs attention"),
    "chip_conflict": ("Konflik", "Conflict"),
    # enrolment
    "enrol_title": ("Daftarkan HP ini", "Enrol this phone"),
    "enrol_help": (
        "Ketik alamat server dan kode pendaftaran sekali pakai dari admin.",
        "Type the server address and the one-time enrolment code from your admin.",
    ),
    "server_url": ("Alamat server", "Server address"),
    "enrol_code": ("Kode pendaftaran", "Enrolment code"),
    "enrol_submit": ("Daftar", "Enrol"),
    "enrol_busy": ("Menghubungi server...", "Contacting the server..."),
    # me
    "me_title": ("Saya", "Me"),
    "name": ("Nama", "Name"),
    "role": ("Peran", "Role"),
    "party": ("Partai", "Party"),
    "assigned": ("TPS tugas", "Assigned TPS"),
    "device": ("Perangkat", "Device"),
    "language": ("Bahasa", "Language"),
    "lang_id": ("Bahasa Indonesia", "Bahasa Indonesia"),
    "lang_en": ("English", "English"),
    "role_saksi": ("Saksi", "Witness"),
    "role_ptps": ("Pengawas TPS (PTPS)", "TPS supervisor (PTPS)"),
    "role_polisi": ("Polisi", "Police"),
    "role_supervisor": ("Supervisor", "Supervisor"),
    "role_admin": ("Admin", "Admin"),
    # TPS pick and home
    "my_tps": ("TPS saya", "My TPS"),
    "search_tps": (
        "Cari TPS (kecamatan, desa atau nomor)",
        "Search TPS (district, village or no.)",
    ),
    "results": ("{n} TPS ditemukan", "{n} polling stations found"),
    "results_more": ("{n} TPS ditemukan, {k} pertama ditampilkan", "{n} found, first {k} shown"),
    "no_results": ("Tidak ada TPS yang cocok", "No polling station matches"),
    "kecamatan": ("Kecamatan", "District"),
    "desa": ("Kelurahan/Desa", "Village"),
    "tps_code": ("Kode TPS", "TPS code"),
    "ballots": ("Surat suara (C.Hasil)", "Ballots (C.Hasil)"),
    "incidents_here": ("Kejadian di TPS ini", "Incidents at this TPS"),
    "no_incidents": ("Belum ada laporan", "No reports yet"),
    "new_incident": ("Laporan baru", "New report"),
    "assessment": ("Kerawanan TPS", "TPS vulnerability"),
    "open_assessment": ("Isi penilaian kerawanan", "Assess vulnerability"),
    "location": ("Lokasi TPS", "TPS location"),
    "lat": ("Lintang", "Latitude"),
    "lon": ("Bujur", "Longitude"),
    "gps": ("Ambil GPS", "Get GPS"),
    "save_location": ("Simpan lokasi", "Save location"),
    "outside_scope": (
        "TPS ini di luar wilayah tugas Anda, jadi hanya bisa dilihat. Hubungi admin bila "
        "penugasan Anda berubah.",
        "This TPS is outside your assigned area, so you can only look at it. Ask an admin if "
        "your assignment changed.",
    ),
    "no_assigned_tps": (
        "Belum ada TPS tugas untuk Anda, jadi laporan belum bisa dibuat. Hubungi admin.",
        "You have no assigned TPS yet, so you cannot make a report. Ask an admin.",
    ),
    "location_by_others": (
        "Lokasi dicatat oleh PTPS atau polisi",
        "The location is recorded by the PTPS or police",
    ),
    # tally
    "tally_title": ("C.Hasil {ballot}", "C.Hasil {ballot}"),
    "sec_I": ("I. Data pemilih dan pengguna hak pilih", "I. Voters"),
    "sec_II": ("II. Data penggunaan surat suara", "II. Ballots"),
    "sec_III": ("III. Pemilih disabilitas", "III. Voters with disabilities"),
    "sec_IV": ("IV. Perolehan suara", "IV. Votes"),
    "sec_V": ("V. Jumlah suara sah dan tidak sah", "V. Valid and invalid votes"),
    "row_dpt": ("I.A DPT", "I.A Final voter list (DPT)"),
    "row_pemilih_dpt": ("I.B.1 Pengguna hak pilih DPT", "I.B.1 Voters from DPT"),
    "row_pemilih_dptb": ("I.B.2 Pengguna hak pilih DPTb", "I.B.2 Voters from DPTb"),
    "row_pemilih_dpk": ("I.B.3 Pengguna hak pilih DPK", "I.B.3 Voters from DPK"),
    "row_pengguna_hak_pilih": ("I.B.4 Jumlah pengguna hak pilih", "I.B.4 Total voters"),
    "row_disabilitas": ("III Pemilih disabilitas", "III Voters with disabilities"),
    "ss_diterima": ("Surat suara diterima", "Ballots received"),
    "ss_digunakan": ("Surat suara digunakan", "Ballots used"),
    "ss_rusak": ("Surat suara rusak atau keliru coblos", "Ballots spoiled"),
    "ss_sisa": ("Surat suara tidak digunakan", "Ballots unused"),
    "suara_sah": ("Suara sah", "Valid votes"),
    "suara_tidak_sah": ("Suara tidak sah", "Invalid votes"),
    "suara_total": ("Jumlah suara sah dan tidak sah", "Total votes"),
    "legend_lpj": ("L = laki-laki, P = perempuan, J = jumlah", "L = male, P = female, J = total"),
    "computed": ("hitungan: {n}", "computed: {n}"),
    "party_total": ("Jumlah partai: {n}", "Party total: {n}"),
    "party_vote": ("suara partai", "party vote"),
    "party_written": ("Jumlah IV.{no} (partai + calon)", "Total IV.{no} (party + candidates)"),
    "paper_as_written": ("Tertulis di formulir demikian", "The signed form reads so"),
    "paper_help": (
        "Centang hanya bila angka di C.Hasil yang ditandatangani memang tertulis begitu (bukan "
        "salah ketik). Wajib alasan dan minimal satu foto formulir; supervisor akan "
        "memeriksanya.",
        "Tick only when the signed C.Hasil really reads so (not a typing slip). A reason and at "
        "least one photo of the form are required; a supervisor will check it.",
    ),
    "reason": ("Alasan", "Reason"),
    # other record fields, as conflicts name them
    "indikator": ("Indikator kerawanan", "Vulnerability indicators"),
    "catatan": ("Catatan", "Notes"),
    "status": ("Status", "Status"),
    "alamat": ("Alamat", "Address"),
    "proses": ("Proses penanganan", "Handling"),
    "komentar": ("Komentar", "Comments"),
    "diteruskan_ke": ("Diteruskan ke", "Forwarded to"),
    "ditugaskan": ("Ditugaskan kepada", "Assigned to"),
    "deleted": ("Dihapus", "Deleted"),
    "reason_help": (
        "Wajib bila ada peringatan atau saat mengoreksi data final",
        "Required when there are warnings or when correcting a final record",
    ),
    "final": ("Final", "Final"),
    "final_refused": ("Belum bisa Final:", "Cannot be final yet:"),
    "final_confirm_title": ("Jadikan final?", "Make it final?"),
    "final_confirm_body": (
        "Periksa sekali lagi. Setelah final, data dikirim ke server dan hanya bisa dikoreksi "
        "dengan alasan.",
        "Check once more. Once final, it is sent to the server and can be corrected only with "
        "a reason.",
    ),
    "confirm": ("Ya, final", "Yes, final"),
    "cancel": ("Batal", "Cancel"),
    "correct": ("Koreksi", "Correct"),
    "reason_correction": (
        "Wajib: apa yang dikoreksi dan mengapa",
        "Required: what you corrected and why",
    ),
    "is_final": ("Data ini sudah final.", "This record is final."),
    "draft_saved": ("Draf tersimpan di HP", "Draft saved on this phone"),
    "lvl_error": ("Salah", "Error"),
    "lvl_warning": ("Peringatan", "Warning"),
    "lvl_flag": ("Tanda", "Flag"),
    # incident
    "incident_title": ("Laporan kejadian", "Incident report"),
    "reports_title": ("Laporan dan temuan", "Reports and findings"),
    "jenis": ("Jenis", "Type"),
    "laporan": ("Laporan", "Report"),
    "temuan": ("Temuan", "Finding"),
    "kategori": ("Kategori", "Category"),
    "waktu": ("Waktu kejadian", "Time of incident"),
    "tps": ("TPS", "Polling station"),
    "tempat": ("Tempat (bila bukan di TPS)", "Place (if not at the TPS)"),
    "uraian": ("Uraian kejadian", "Description"),
    "pelapor_nama": ("Pelapor", "Reporter"),
    "pelapor_alamat": ("Alamat pelapor", "Reporter's address"),
    "terlapor": ("Terlapor", "Reported party"),
    "saksi": ("Saksi (satu nama per baris)", "Witnesses (one name a line)"),
    "bukti": ("Bukti foto", "Photo evidence"),
    "tingkat": ("Tingkat keparahan", "Severity"),
    "rendah": ("Rendah", "Low"),
    "sedang": ("Sedang", "Medium"),
    "tinggi": ("Tinggi", "High"),
    "missing": ("Wajib diisi: {names}", "Required: {names}"),
    # assessment
    "category": ("Tingkat kerawanan", "Risk level"),
    "note": ("Catatan {code}", "Note {code}"),
    # sync
    "sync_title": ("Kirim data", "Send data"),
    "sync_now": ("Kirim sekarang", "Send now"),
    "waiting": ("Belum terkirim", "Not sent"),
    "failed_list": ("Gagal (alasan dari server)", "Failed (server's reason)"),
    "conflicts": ("Konflik", "Conflicts"),
    "retry": ("Coba lagi", "Retry"),
    "nothing_waiting": ("Tidak ada", "None"),
    "drafts": ("Draf (belum final, tetap di HP)", "Drafts (not final, stay on phone)"),
    "kind_tally": ("C.Hasil", "C.Hasil"),
    "kind_incident": ("Laporan", "Report"),
    "kind_assessment": ("Kerawanan", "Vulnerability"),
    "kind_location": ("Lokasi", "Location"),
    "kind_verification": ("Verifikasi", "Verification"),
    # photos on a form
    "photos_tally": ("Foto C.Hasil (semua halaman)", "C.Hasil photos (every page)"),
    "photo_take": ("Ambil foto", "Take photo"),
    "photo_pick": ("Pilih foto", "Choose photo"),
    "photo_none": ("Belum ada foto", "No photos yet"),
    "photo_count": ("{n} foto terlampir", "{n} photo(s) attached"),
    "photo_n": ("Foto {n}", "Photo {n}"),
    "photo_remove": ("Hapus foto {n}", "Remove photo {n}"),
    "photo_busy": ("Menyimpan {n} foto...", "Saving {n} photo(s)..."),
    "camera_shoot": ("Jepret", "Shoot"),
    "camera_close": ("Tutup kamera", "Close camera"),
    "camera_failed": (
        'Kamera tidak bisa dibuka. Pakai "Pilih foto" untuk melampirkan dari galeri.',
        'The camera cannot be opened. Use "Choose photo" to attach from the gallery.',
    ),
    # photos and history on Kirim
    "photos_title": ("Foto", "Photos"),
    "photos_pending": ("{n} foto belum terkirim", "{n} photo(s) not sent"),
    "photos_all_sent": ("Semua foto terkirim", "All photos sent"),
    "photos_failed": ("{n} foto ditolak server", "{n} photo(s) refused by the server"),
    "photos_bytes": ("{sent} dari {total} terkirim", "{sent} of {total} sent"),
    "photos_sending": ("Mengirim foto...", "Sending photos..."),
    "photos_waiting": ("Menunggu foto:", "Waiting for photos:"),
    "photos_retry": ("Kirim ulang foto yang ditolak", "Send refused photos again"),
    "sent_recent": ("Terkirim (terbaru)", "Sent (latest)"),
    "conflict_line": (
        "{field}: di server {current}, masuk {incoming}; dipakai {winner}",
        "{field}: on server {current}, incoming {incoming}; kept {winner}",
    ),
    "conflict_current": ("nilai server", "the server's value"),
    "conflict_incoming": ("nilai yang masuk", "the incoming value"),
}

S.update(MORE)
S.update({k: v for k, v in WORDS.items() if k.startswith("cat_")})


def t(lang: str, key: str, **kw: Any) -> str:
    """The field app's string for `key` in `lang`."""
    return lookup(S, lang, key, **kw)
