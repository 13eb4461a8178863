"""A party is found by its number on the DPR/DPRD ballots (the phone's author line and the
comparison's column names both ask)."""

from sync_server.review.reconcile import load_election
from sync_server.settings import Settings


def test_a_party_by_its_number():
    election = load_election(Settings().election_file)
    assert election is not None
    pkb = election.party(1)
    assert pkb is not None
    assert pkb.singkatan == "PKB"
    assert election.party(999) is None
