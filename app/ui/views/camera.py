"""A camera preview with "Jepret" (take) and "Tutup" (close), shown inside a form's photo strip.

flet-camera's control must be on the page before it can be asked for cameras, so the panel
opens the back camera once it is mounted; if that fails (no camera, permission refused) it
says so and the file picker stays available beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import flet as ft
import flet_camera as fc

from app.i18n import t
from app.ui.components import keep

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CameraHandle:
    """A camera preview control, its state (starting | ready | taking | failed) and `take`."""

    control: fc.Camera
    state: str
    take: Callable[[Callable[[bytes], Awaitable[Any]]], Awaitable[None]]


def use_camera(preset: fc.ResolutionPreset, purpose: str) -> CameraHandle:
    """Open the back camera once mounted; "failed" when there is none or it is refused."""
    # A fresh Camera each render, reached through a lasting Ref: Flet reconciles the new
    # instance into the old one's place (a control object kept across renders loses its
    # parent and then "must be added to the page first").
    ref: ft.Ref[fc.Camera] = ft.use_memo(lambda: ft.Ref[fc.Camera](), [])
    camera = fc.Camera(ref=ref, expand=True, preview_enabled=True)
    state, set_state = ft.use_state("starting")

    def cam() -> fc.Camera:
        if ref.current is None:
            raise RuntimeError("camera not mounted")
        return ref.current

    async def start() -> None:
        try:
            cams = await cam().get_available_cameras()
            if not cams:
                set_state("failed")
                return
            back = [c for c in cams if c.lens_direction == fc.CameraLensDirection.BACK]
            await cam().initialize((back or cams)[0], preset, enable_audio=False)
            set_state("ready")
        except Exception:  # no camera, permission refused, plugin error
            log.warning("%s camera did not open", purpose, exc_info=True)
            set_state("failed")

    ft.use_effect(start, [])

    async def take(on_taken: Callable[[bytes], Awaitable[Any]]) -> None:
        set_state("taking")
        try:
            data = await cam().take_picture()
        except Exception:  # the plugin failed: the person can pick a photo instead
            log.warning("%s camera did not take a picture", purpose, exc_info=True)
            set_state("failed")
            return
        set_state("ready")
        await on_taken(bytes(data))

    return CameraHandle(camera, state, take)


@ft.component
def CameraPanel(
    lang: str, on_taken: Callable[[bytes], Awaitable[None]], on_close: Callable[[], Any]
) -> ft.Control:
    cam = use_camera(fc.ResolutionPreset.VERY_HIGH, "photo")
    state, camera = cam.state, cam.control

    async def take() -> None:
        await cam.take(on_taken)

    return ft.Semantics(
        identifier="camera-panel",
        content=ft.Column(
            keep(
                ft.Container(camera, height=320, bgcolor=ft.Colors.BLACK, border_radius=8),
                ft.Text(t(lang, "camera_failed"), color=ft.Colors.RED_900)
                if state == "failed"
                else None,
                ft.Row(
                    keep(
                        ft.FilledButton(
                            t(lang, "camera_shoot"),
                            icon=ft.Icons.CAMERA,
                            height=48,
                            on_click=take,
                            disabled=state != "ready",
                        ),
                        ft.TextButton(t(lang, "camera_close"), height=48, on_click=on_close),
                    ),
                    wrap=True,
                ),
            ),
            spacing=8,
        ),
    )
