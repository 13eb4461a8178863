"""Placeholder."""

from __future__ import annotations

from typing import Any

import flet as ft


@ft.component
def IncidentsScreen(m: Any, model: Any, lang: str) -> ft.Control:
    return ft.Text("incidents")
