"""An election as data: ballots, contestants, the kerawanan indicator set and deployment pattern.

Loaded from a JSON file (`assets/elections/*.json`); nothing here is specific to one election.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BallotKind = Literal["pasangan", "partai", "perseorangan"]
Category = Literal["kurang_rawan", "rawan", "sangat_rawan", "khusus"]
CATEGORIES: tuple[Category, ...] = ("kurang_rawan", "rawan", "sangat_rawan", "khusus")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contestant(_Strict):
    no: int = Field(ge=1, le=999)
    nama: str


class Party(_Strict):
    no: int = Field(ge=1, le=99)
    singkatan: str
    nama: str
    caleg: list[Contestant] = []


class Ballot(_Strict):
    code: str
    name_id: str
    name_en: str
    color: str
    kind: BallotKind
    pasangan: list[Contestant] = []
    partai: list[Party] = []
    calon: list[Contestant] = []

    def vote_keys(self) -> list[str]:
        """Keys of `suara` in form order: `"2"` a pair/candidate, `"1"` + `"1.3"` a party."""
        return list(self._vote_keys)

    @cached_property
    def _vote_keys(self) -> tuple[str, ...]:  # a ballot is frozen: worked out once (push path)
        if self.kind == "pasangan":
            return tuple(str(c.no) for c in self.pasangan)
        if self.kind == "perseorangan":
            return tuple(str(c.no) for c in self.calon)
        keys = []
        for party in self.partai:
            keys.append(str(party.no))
            keys.extend(f"{party.no}.{c.no}" for c in party.caleg)
        return tuple(keys)


class Indicator(_Strict):
    code: str
    text_id: str
    text_en: str


class Variable(_Strict):
    code: str
    name_id: str
    name_en: str
    indicators: list[Indicator]


class CategoryRule(_Strict):
    """How yes-answers become a category; thresholds are configuration ([U] in domain.md)."""

    khusus_if_any: list[str] = []
    sangat_rawan_if_any: list[str] = []
    sangat_rawan_min_yes: int = 6
    rawan_min_yes: int = 2


class Pattern(_Strict):
    """One line of a 'polisi-TPS-linmas' deployment pattern: per group of `tps` TPS."""

    polisi: int = Field(ge=0)
    tps: int = Field(ge=1)
    linmas: int = Field(ge=0)


class IndicatorSet(_Strict):
    code: str
    variables: list[Variable]
    rule: CategoryRule = CategoryRule()

    def codes(self) -> list[str]:
        return [i.code for v in self.variables for i in v.indicators]


class Election(_Strict):
    code: str
    name: str
    date: str
    note: str = ""
    max_dpt_per_tps: int = 300
    reserve_ratio: float = 0.02
    ballots: list[Ballot]
    indicator_set: IndicatorSet
    deployment_pattern: dict[Category, Pattern]

    def ballot(self, code: str) -> Ballot:
        return self._by_code[code]  # KeyError for a ballot this election does not hold

    def party(self, no: int) -> Party | None:
        """Party number `no` as the DPR/DPRD ballots list it (the same on each), or None."""
        for ballot in self.ballots:
            for party in ballot.partai:
                if party.no == no:
                    return party
        return None

    def ballot_codes(self) -> list[str]:
        return list(self._by_code)

    @cached_property
    def _by_code(self) -> dict[str, Ballot]:  # frozen: worked out once (the push path asks)
        return {b.code: b for b in self.ballots}
