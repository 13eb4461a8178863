"""The words a person reads for the codes records carry (incident categories, types, process
steps, routes), in Bahasa Indonesia and English: one table for the phone, the console and the
server's exports, so no code shows where a person reads."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "cat_politik_uang": ("Politik uang", "Vote buying"),
    "cat_kampanye_di_luar_jadwal": ("Kampanye di luar jadwal", "Campaigning out of schedule"),
    "cat_netralitas": ("Netralitas ASN/TNI/Polri/kades", "Neutrality of officials"),
    "cat_pemilih_ganda": ("Pemilih ganda", "Double voting"),
    "cat_intimidasi": ("Intimidasi", "Intimidation"),
    "cat_penggelembungan_suara": ("Penggelembungan suara", "Vote inflation"),
    "cat_merusak_berita_acara": ("Merusak berita acara", "Damaging official records"),
    "cat_surat_suara_tercoblos": ("Surat suara tercoblos", "Pre-punched ballots"),
    "cat_logistik": ("Logistik", "Logistics"),
    "cat_kericuhan": ("Kericuhan", "Disturbance"),
    "cat_lainnya": ("Lainnya", "Other"),
    "jenis_laporan": ("Laporan", "Report"),
    "jenis_temuan": ("Temuan", "Finding"),
    "tingkat_rendah": ("Rendah", "Low"),
    "tingkat_sedang": ("Sedang", "Medium"),
    "tingkat_tinggi": ("Tinggi", "High"),
    "proses_diterima": ("Diterima", "Received"),
    "proses_registrasi": ("Registrasi", "Register"),
    "proses_tidak_diregistrasi": ("Tidak diregistrasi", "Not registered"),
    "proses_kajian": ("Kajian", "Review"),
    "proses_terbukti": ("Terbukti", "Proven"),
    "proses_tidak_terbukti": ("Tidak terbukti", "Not proven"),
    "proses_diteruskan": ("Diteruskan", "Forwarded"),
    "jalur_kode_etik": ("Pelanggaran kode etik", "Code of ethics"),
    "jalur_administratif": ("Pelanggaran administratif", "Administrative"),
    "jalur_pidana": ("Tindak pidana pemilu", "Election crime"),
    "jalur_hukum_lain": ("Pelanggaran hukum lain", "Other law"),
    "diteruskan_ke_kpu": ("KPU", "KPU"),
    "diteruskan_ke_dkpp": ("DKPP", "DKPP"),
    "diteruskan_ke_gakkumdu": ("Sentra Gakkumdu", "Gakkumdu"),
    "diteruskan_ke_lainnya": ("Lainnya", "Other"),
    "state_agree": ("sepakat", "agree"),
    "state_conflict": ("berbeda", "differ"),
    "state_single": ("satu sumber", "one source"),
}


def word(field: str, code: object, lang: str = "id") -> str:
    """The word for `code` of `field` (e.g. kategori/politik_uang), or the code itself."""
    prefix = "cat" if field == "kategori" else field
    pair = WORDS.get(f"{prefix}_{code}")
    if pair is None:
        return "" if code is None else str(code)
    return pair[1] if lang == "en" else pair[0]
