"""The TPS screen's dialogs: confirm a verification (values and reason), zoom a photo."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.console.state.comparison import ComparisonModel
from app.console.state.console import Models
from app.console.strings import t

PAIR_W, PAIR_H = 240, 330  # two fit side by side in a dialog on a laptop, one a row on a phone


def confirm_dialog(m: Models, c: ComparisonModel, lang: str, close: Any) -> ft.AlertDialog:
    nilai, _ = c.decision()
    labels = {f.field: f.label or f.field for f in c.fields}
    lines = [f"{labels.get(k, k)}: {v}" for k, v in list(nilai.items())[:12]]
    if len(nilai) > 12:
        lines.append(f"… (+{len(nilai) - 12})")

    async def send() -> None:
        close()
        await m.verify()

    return ft.AlertDialog(
        modal=True,
        title=ft.Text(t(lang, "verify_title", tps=c.tps)),
        content=ft.Column(
            [
                ft.Text(t(lang, "verify_summary"), weight=ft.FontWeight.BOLD),
                *[ft.Text(x) for x in lines],
                ft.Text(f"{t(lang, 'reason')}: {c.reason}"),
            ],
            tight=True,
        ),
        actions=[
            ft.TextButton(t(lang, "cancel"), on_click=close),
            ft.FilledButton(t(lang, "verify_confirm"), on_click=send),
        ],
    )


def _side(sha: str, data: bytes, title: str, c: ComparisonModel, lang: str) -> ft.Control:
    body: ft.Control = (
        ft.Image(src=data, fit=ft.BoxFit.CONTAIN, width=PAIR_W, height=PAIR_H)
        if data
        else ft.Text(t(lang, "photo_loading") if c.loading else c.error(lang))
    )
    words = ft.Text(f"{title} · {sha[:12]}", weight=ft.FontWeight.BOLD, width=PAIR_W)
    return ft.Column([words, body], tight=True)


def _pair_dialog(c: ComparisonModel, lang: str) -> ft.AlertDialog:
    """The two photos a photo_reused flag names, side by side."""
    # side by side on a laptop; on a phone one under the other, scrolled
    row = ft.Column(
        [
            ft.Row(
                [
                    _side(c.photo_sha, c.photo, t(lang, "photo_this_tps"), c, lang),
                    _side(c.other_sha, c.other, t(lang, "photo_other_tps"), c, lang),
                ],
                wrap=True,
                spacing=16,
                vertical_alignment=ft.CrossAxisAlignment.START,
            )
        ],
        scroll=ft.ScrollMode.AUTO,
        tight=True,
        width=2 * PAIR_W + 16,  # a phone's dialog is narrower: the second photo wraps under
    )
    return ft.AlertDialog(
        title=ft.Text(t(lang, "photo_pair_title")),
        content=ft.Semantics(identifier="photo-pair", content=row),
        actions=[ft.TextButton(t(lang, "close"), on_click=c.close_photo)],
        on_dismiss=lambda _: c.close_photo(),
    )


def photo_dialog(c: ComparisonModel, lang: str) -> ft.AlertDialog | None:
    if not c.photo_sha:
        return None
    if c.other_sha:
        return _pair_dialog(c, lang)
    body: ft.Control = (
        ft.InteractiveViewer(
            ft.Image(src=c.photo, fit=ft.BoxFit.CONTAIN),
            min_scale=1,
            max_scale=8,
            width=900,
            height=600,
        )
        if c.photo
        else ft.Text(t(lang, "photo_loading") if c.loading else c.error(lang))
    )
    return ft.AlertDialog(
        title=ft.Text(t(lang, "photo_title", source=c.photo_source(lang), sha=c.photo_sha[:12])),
        content=body,
        actions=[ft.TextButton(t(lang, "close"), on_click=c.close_photo)],
        on_dismiss=lambda _: c.close_photo(),
    )
