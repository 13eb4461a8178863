"""A record field's name as the person saw it on the form, never the raw key (`pemilih_dpt_l`
is "I.B.1 Pengguna hak pilih DPT (L)"): C.Hasil numbering from core.tally_checks, words from
the app's strings."""

from __future__ import annotations

from app.i18n import S, t
from core.records import COLUMNS
from core.tally_checks import LABELS, ROW_LABELS

# Record keys whose words the app keeps under another name.
SAME_WORDS = {"alasan": "reason", "photos": "photos_tally", "suara": "sec_IV"}


def field_label(name: str, lang: str) -> str:
    row, _, column = name.rpartition("_")
    if row in ROW_LABELS and column in COLUMNS:  # I.A ... I.B.4 and III, by L / P / J
        return f"{t(lang, f'row_{row}')} ({column.upper()})"
    if name in SAME_WORDS:
        return t(lang, SAME_WORDS[name])
    if name in LABELS and name in S:  # II.1 Surat suara diterima, V.A Suara sah, ...
        return f"{LABELS[name]} {t(lang, name)}"
    if name in S:
        return t(lang, name)
    return name.replace("_", " ").capitalize()  # a field this app never shows
