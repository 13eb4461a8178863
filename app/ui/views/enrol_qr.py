"""The QR part of the enrolment screen: "Pindai QR" (camera preview + "Pindai") and
"Pilih gambar QR" (file picker, images), both filling the server address and the code.

Whether there is a camera is asked of flet-camera itself once "Pindai QR" is pressed (its
control must be on the page first, and asking may prompt for permission, so not earlier).
No camera, a refused permission or an error: the panel says so and the picker stays. Without
OpenCV on the device both buttons give way to a line saying typing still works.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import flet as ft
import flet_camera as fc

from app.ui import qr
from app.ui.components import keep
from app.ui.state.enrol_form import EnrolForm
from app.ui.views.camera import use_camera

QS: dict[str, tuple[str, str]] = {
    "qr_scan": ("Pindai QR", "Scan QR"),
    "qr_pick": ("Pilih gambar QR", "Choose QR image"),
    "qr_or": (
        "Atau pindai kode QR dari admin:",
        "Or scan the QR code from your admin:",
    ),
    "qr_shoot": ("Pindai", "Scan"),
    "qr_close": ("Tutup kamera", "Close camera"),
    "qr_dismiss": ("Tutup", "Close"),
    "qr_aim": (
        "Arahkan kamera ke kode QR sampai terlihat utuh dan tajam, lalu tekan Pindai.",
        "Point the camera at the QR code until it is whole and sharp, then press Scan.",
    ),
    "qr_starting": ("Membuka kamera...", "Opening the camera..."),
    "qr_no_camera": (
        'Kamera tidak tersedia di perangkat ini. Pakai "Pilih gambar QR" atau ketik kodenya.',
        'No camera is available on this device. Use "Choose QR image" or type the code.',
    ),
    "qr_reading": ("Membaca kode QR...", "Reading the QR code..."),
}


def qt(lang: str, key: str) -> str:
    id_, en = QS[key]
    return en if lang == "en" else id_


async def _read(f: ft.FilePickerFile) -> bytes | None:
    if f.bytes:  # web (with_data=True)
        return f.bytes
    if f.path:  # desktop / phone app: read the file off the loop
        return await asyncio.to_thread(Path(f.path).read_bytes)
    return None


@ft.component
def QrCamera(
    lang: str, on_taken: Callable[[bytes], Awaitable[Any]], on_close: Callable[[], Any]
) -> ft.Control:
    # 720p: plenty for a QR code filling part of the frame, quick to decode.
    cam = use_camera(fc.ResolutionPreset.HIGH, "QR")
    state, camera = cam.state, cam.control

    async def take() -> None:
        await cam.take(on_taken)

    words = {
        "starting": qt(lang, "qr_starting"),
        "failed": qt(lang, "qr_no_camera"),
    }.get(state, qt(lang, "qr_aim"))
    return ft.Semantics(
        identifier="qr-camera",
        content=ft.Column(
            keep(
                ft.Container(camera, height=260, bgcolor=ft.Colors.BLACK, border_radius=8)
                if state != "failed"
                else None,
                ft.Semantics(
                    identifier="qr-camera-state",
                    content=ft.Text(words, color=ft.Colors.RED_900 if state == "failed" else None),
                ),
                ft.Row(
                    keep(
                        ft.FilledButton(
                            qt(lang, "qr_shoot"),
                            icon=ft.Icons.QR_CODE_SCANNER,
                            height=48,
                            on_click=take,
                            disabled=state != "ready",
                        )
                        if state != "failed"
                        else None,
                        ft.TextButton(
                            qt(lang, "qr_dismiss" if state == "failed" else "qr_close"),
                            height=48,
                            on_click=on_close,
                        ),
                    ),
                    wrap=True,
                ),
            ),
            spacing=8,
        ),
    )


@ft.component
def QrEnrol(form: EnrolForm, lang: str) -> ft.Control:
    picker = ft.use_memo(lambda: ft.FilePicker(), [])  # a strong ref keeps the service alive
    camera_open, set_camera_open = ft.use_state(False)
    can_decode, set_can_decode = ft.use_state(True)

    async def probe() -> None:  # importing OpenCV takes a moment: off the UI loop, once
        set_can_decode(await asyncio.to_thread(qr.available))

    ft.use_effect(probe, [])

    async def pick() -> None:
        files = await picker.pick_files(
            allow_multiple=False, with_data=True, file_type=ft.FilePickerFileType.IMAGE
        )
        data = await _read(files[0]) if files else None
        if data:
            await form.read_qr(data)

    async def taken(data: bytes) -> None:
        if await form.read_qr(data):
            set_camera_open(False)

    if not can_decode:
        return ft.Semantics(
            identifier="qr-unavailable",
            content=ft.Text(qr.unavailable().message(lang), color=ft.Colors.ORANGE_900),
        )
    busy = form.busy or form.reading_qr
    return ft.Column(
        keep(
            ft.Text(qt(lang, "qr_or")),
            ft.Row(
                keep(
                    ft.FilledTonalButton(
                        qt(lang, "qr_scan"),
                        icon=ft.Icons.QR_CODE_SCANNER,
                        height=48,
                        disabled=busy,
                        on_click=lambda: set_camera_open(True),
                    )
                    if not camera_open
                    else None,
                    ft.Semantics(
                        identifier="qr-pick",
                        content=ft.OutlinedButton(
                            qt(lang, "qr_pick"),
                            icon=ft.Icons.IMAGE_SEARCH,
                            height=48,
                            disabled=busy,
                            on_click=pick,
                        ),
                    ),
                ),
                wrap=True,
            ),
            QrCamera(lang, taken, lambda: set_camera_open(False)) if camera_open else None,
            ft.Row([ft.ProgressRing(width=20, height=20), ft.Text(qt(lang, "qr_reading"))])
            if form.reading_qr
            else None,
        ),
        spacing=10,
    )
