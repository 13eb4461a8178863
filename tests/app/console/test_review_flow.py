"""The holdout scenario through the console's state: the misread TPS tops the queue, the
supervisor verifies it with a reason, the queue empties and the totals change."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.app.console.conftest import TPS, World


def test_conflict_tops_queue_verify_clears_it_and_totals_change(world: World):
    world.three_sources()
    m = world.models()
    asyncio.run(m.queue.load())
    top = m.queue.items[0]
    assert (top.tps, top.ballot, top.status) == (TPS, "ppwp", "conflict")
    assert m.queue.counts.by_status["conflict"] == 1
    assert m.queue.rule_words("vote_conflict", "id") == "Sumber berbeda pada suara calon"

    asyncio.run(m.open_tps(TPS, "ppwp"))
    assert m.nav.tab == 1
    assert m.comparison.doc.differences == ["suara.1"]
    assert [s.source for s in m.comparison.doc.sources] == ["polisi", "ptps", "saksi:1"]
    assert m.comparison.typed["suara.1"] == "99"  # the majority is proposed

    assert asyncio.run(m.verify()) is False  # no reason yet
    assert m.comparison.error("id") == "Tulis alasannya dulu."
    m.comparison.set_reason("Plano difoto: 99")
    assert asyncio.run(m.verify()) is True
    assert m.comparison.error("id") == ""
    assert m.comparison.doc.status == "verified"
    assert [i for i in m.queue.items if i.tps == TPS] == []

    decision = m.comparison.doc.decision
    assert decision is not None
    assert decision.nilai == {"suara.1": 99}
    assert decision.alasan == "Plano difoto: 99"
    assert decision.record_id in m.comparison.doc.history
    asyncio.run(m.go("dashboard"))
    votes = {no: v for no, _, v in m.dashboard.candidates()}
    assert votes == {"01": 99, "02": 120, "03": 50}
    decided, verified, total = m.dashboard.share()
    assert (decided, verified, total) == (1, 1, 3858)
    assert m.dashboard.reported() == 1


def test_override_needs_numbers_and_confirm_without_conflict(world: World):
    world.send("ptps", "t-ptps", {**_one_source()})
    m = world.models()
    asyncio.run(m.open_tps(TPS, "ppwp"))
    assert m.comparison.doc.status == "one_source"
    m.comparison.override_all = True
    m.comparison.type_value("suara.2", "1200")
    m.comparison.set_reason("cek")
    assert "0-999" in m.comparison.problem("id")
    m.comparison.type_value("suara.2", "121")
    nilai, bad = m.comparison.decision()
    assert bad == []
    assert nilai == {"suara.2": 121}
    m.comparison.type_value("suara.2", "120")
    nilai, _ = m.comparison.decision()  # nothing open, nothing changed: confirm every value
    assert nilai["suara.2"] == 120
    assert len(nilai) > 20


def _one_source() -> dict[str, Any]:
    from tests.server.recon_helpers import VOTES, form

    return form(VOTES)


def test_photo_of_a_source_is_one_click_away(world: World):
    from app.store.photos import add_photo
    from tests.photos import form_photo
    from tests.server.recon_helpers import VOTES, form

    ptps = world.device("ptps")
    sha = add_photo(ptps, form_photo(800, 600))
    world.send("ptps", "t-ptps", {**form(VOTES), "photos": [sha]})
    m = world.models()
    asyncio.run(m.open_tps(TPS, "ppwp"))
    [source] = m.comparison.doc.sources
    assert source.photos == [sha]
    assert m.comparison.doc.photos == [sha]
    asyncio.run(m.comparison.show_photo(sha))
    assert m.comparison.photo_sha == sha
    assert m.comparison.photo[:2] == b"\xff\xd8"
    assert m.comparison.record_fields()["photos"] == [sha]
    m.comparison.close_photo()
    assert m.comparison.photo == b""


def test_ctrl_enter_is_the_verify_shortcut():
    from app.console.screens.shell import shortcut

    assert shortcut("Enter", ctrl=True) == "verify"
    assert shortcut("Enter", ctrl=False) is None
    assert shortcut("V", ctrl=True) is None


def test_asking_opens_the_confirmation_only_when_the_decision_is_complete(world: World):
    world.three_sources()
    m = world.models()
    asyncio.run(m.open_tps(TPS, "ppwp"))
    m.comparison.ask()
    assert not m.comparison.asking
    assert m.comparison.error("id") == "Tulis alasannya dulu."
    m.comparison.set_reason("Plano difoto: 99")
    m.comparison.ask()
    assert m.comparison.asking
    assert m.comparison.error("id") == ""
    m.comparison.cancel_ask()
    assert not m.comparison.asking
    assert m.comparison.doc.status == "conflict"
