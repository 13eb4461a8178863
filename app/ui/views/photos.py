"""The photo strip of a form: "Ambil foto" (camera, where there is one) / "Pilih foto" (file
picker, images only), thumbnails with a remove button, the busy count and a bad file's reason.

The strip is its own component subscribed to the form's `Evidence`, so re-encoding a photo
never re-renders the rest of the form.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import flet as ft

from app.i18n import t
from app.ui.components import keep
from app.ui.state.evidence import Evidence, thumbnail
from app.ui.views.camera import CameraPanel


def has_camera(page: ft.Page) -> bool:
    """A phone (app or mobile browser) has a camera; a desktop browser falls back to files.
    PANTAU_CAMERA=1/0 overrides (a laptop with a webcam, or tests)."""
    forced = os.environ.get("PANTAU_CAMERA")
    if forced in ("0", "1"):
        return forced == "1"
    return bool(page.platform and page.platform.is_mobile())


async def _read(f: ft.FilePickerFile) -> bytes | None:
    if f.bytes:
        return f.bytes
    if f.path:  # desktop / mobile app: read the file off the loop
        return await asyncio.to_thread(Path(f.path).read_bytes)
    return None


def _thumb(ev: Evidence, sha: str, index: int, lang: str, ident: str) -> ft.Control:
    data = thumbnail(ev.store, sha)
    image: ft.Control = (
        ft.Image(src=data, width=104, height=104, fit=ft.BoxFit.COVER, border_radius=8)
        if data
        else ft.Container(ft.Icon(ft.Icons.BROKEN_IMAGE), width=104, height=104)
    )
    remove = ft.Semantics(
        identifier=f"{ident}-remove-{index}",
        content=ft.IconButton(
            ft.Icons.CLOSE,
            tooltip=t(lang, "photo_remove", n=index),
            icon_color=ft.Colors.WHITE,
            bgcolor=ft.Colors.with_opacity(0.7, ft.Colors.BLACK),
            on_click=lambda: ev.remove(sha),
        ),
    )
    return ft.Semantics(
        identifier=f"photo-{sha[:12]}",
        label=t(lang, "photo_n", n=index),
        content=ft.Stack(
            keep(image, ft.Container(remove, right=0, top=0) if ev.editable else None),
            width=104,
            height=104,
        ),
    )


@ft.component
def PhotoStrip(ev: Evidence, lang: str, ident: str) -> ft.Control:
    page = ft.context.page
    picker = ft.use_memo(lambda: ft.FilePicker(), [])  # a strong ref keeps the service alive
    camera_open, set_camera_open = ft.use_state(False)

    async def pick() -> None:
        files = await picker.pick_files(
            allow_multiple=True, with_data=True, file_type=ft.FilePickerFileType.IMAGE
        )
        data = [d for d in [await _read(f) for f in files or []] if d]
        if data:
            await ev.attach_many(data)

    async def taken(data: bytes) -> None:
        set_camera_open(False)
        await ev.attach_many([data])

    count = len(ev.shas)
    buttons = ft.Row(
        keep(
            ft.FilledButton(
                t(lang, "photo_take"),
                icon=ft.Icons.PHOTO_CAMERA,
                height=48,
                on_click=lambda: set_camera_open(True),
            )
            if has_camera(page) and not camera_open
            else None,
            ft.Semantics(
                identifier=f"{ident}-pick",
                content=ft.OutlinedButton(
                    t(lang, "photo_pick"), icon=ft.Icons.PHOTO_LIBRARY, height=48, on_click=pick
                ),
            ),
        ),
        wrap=True,
    )
    return ft.Container(
        ft.Column(
            keep(
                ft.Semantics(
                    identifier=ident,
                    content=ft.Text(
                        t(lang, "photo_count", n=count) if count else t(lang, "photo_none")
                    ),
                ),
                ft.Row(
                    [_thumb(ev, sha, i + 1, lang, ident) for i, sha in enumerate(ev.shas)],
                    wrap=True,
                    spacing=8,
                    run_spacing=8,
                )
                if count
                else None,
                ft.Row(
                    [
                        ft.ProgressRing(width=20, height=20),
                        ft.Text(t(lang, "photo_busy", n=ev.busy)),
                    ]
                )
                if ev.busy
                else None,
                ft.Semantics(
                    identifier=f"{ident}-error",
                    content=ft.Text(ev.error(lang), color=ft.Colors.RED_900),
                )
                if ev.error(lang)
                else None,
                CameraPanel(lang, taken, lambda: set_camera_open(False)) if camera_open else None,
                buttons if ev.editable else None,
            ),
            spacing=8,
        ),
    )
