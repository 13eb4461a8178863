"""Write actions only at TPS in the user's scope (the server refuses the rest at sync);
elsewhere a TPS is read-only."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.i18n import t
from app.ui.state.roles import in_scope
from app.ui.state.services import Services
from app.ui.state.session import Session
from tests.app.ui.conftest import TPS, identity

SAME_DESA = "3517012001002"  # TPS 002 Jantiganggong
OTHER_DESA = "3517012002001"  # TPS 001 Kepuhkajang
DESA = "35.17.01.2001"  # Jantiganggong


@pytest.mark.parametrize(
    ("scope", "tps", "inside"),
    [
        ((TPS,), TPS, True),
        ((TPS,), SAME_DESA, False),
        ((DESA,), SAME_DESA, True),
        ((DESA,), OTHER_DESA, False),
        (("35.17.01",), OTHER_DESA, True),
        ((), TPS, False),
        ((DESA,), "", False),
    ],
)
def test_in_scope_by_tps_or_region(scope: tuple[str, ...], tps: str, inside: bool) -> None:
    assert in_scope(scope, tps) is inside


def session_at(services: Services, tps: str, role: str = "saksi") -> Session:
    session = Session.start(services)
    session.identity = identity(role, 1 if role == "saksi" else None)  # scope: TPS only
    session.open_tps(tps)
    return session


@pytest.mark.parametrize("role", ["saksi", "ptps", "polisi"])
def test_outside_scope_offers_no_writes(services: Services, role: str) -> None:
    session = session_at(services, OTHER_DESA, role)
    assert not session.writes_here()
    session.open_tally("ppwp")
    assert session.screen == "tps"  # the C.Hasil form does not open
    session.open_assessment()
    assert session.screen == "tps"


def test_inside_scope_opens_the_forms(services: Services) -> None:
    session = session_at(services, TPS, "ptps")
    assert session.writes_here()
    session.open_tally("ppwp")
    assert session.screen == "tally"


def test_a_new_report_goes_to_my_tps_not_the_one_looked_at(services: Services) -> None:
    session = session_at(services, OTHER_DESA)
    assert session.report_tps() == TPS
    session.open_incident()
    assert session.screen == "incident"
    assert session_at(services, TPS).report_tps() == TPS


def test_no_scope_no_new_report(services: Services) -> None:
    session = session_at(services, TPS)
    session.identity = replace(identity(), scope=())
    assert session.report_tps() == ""
    assert not session.writes_here()
    session.open_incident()
    assert session.screen == "tps"


def test_the_read_only_sentence_says_why_in_both_languages() -> None:
    assert "di luar wilayah tugas Anda" in t("id", "outside_scope")
    assert "outside your assigned area" in t("en", "outside_scope")
