"""Device epochs: each is a fresh seq namespace for one device (sync-design, device identity).

A phone restored from an old copy of its database would reuse seqs the server holds; the push
answers "reused" when the content differs, and the phone then registers a new epoch here and
sends its unsent work again under it. A push must name the device's newest epoch.
"""

from __future__ import annotations

from core.protocol import EpochState
from sync_server.auth import Principal
from sync_server.errors import ApiError
from sync_server.store.base import Store


def namespace(device_id: str, epoch: int) -> str:
    """Where a device's seqs live on the server: epoch 0 keeps the plain device id."""
    return device_id if epoch == 0 else f"{device_id}~{epoch}"


def check_epoch(store: Store, who: Principal, epoch: int) -> None:
    latest = store.device_epoch(who.device.id)
    if epoch != latest:
        raise ApiError(
            409,
            "epoch_changed",
            f"Perangkat ini sudah memakai urutan baru ({latest}); aplikasi akan mengirim ulang "
            "perubahan yang belum terkirim",
            f"This device moved to epoch {latest}; the app will send its unsent work again",
        )


def epoch_state(store: Store, who: Principal, epoch: int) -> EpochState:
    """What a phone checks on start: has the server seqs it has not made, or a newer epoch?"""
    return EpochState(
        epoch=store.device_epoch(who.device.id),
        held_seq=store.held_seq(namespace(who.device.id, epoch)),
    )


def new_epoch(store: Store, who: Principal) -> EpochState:
    """A fresh seq namespace for a device restored from an old copy of its database."""
    return EpochState(epoch=store.new_epoch(who.device.id), held_seq=0)
