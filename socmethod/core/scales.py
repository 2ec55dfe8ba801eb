"""The self-care and mobility scales of the survey act (data/scales.toml): items, answer levels, bands."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from socmethod.core.errors import KitError
from socmethod.core.schema import Integer, ListOf, SeedLine, Table, Text, check, load_toml

SCALE_NAMES = ("self_care", "mobility")
MAX_ITEM_SCORE = 3


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    degree: int
    text: str
    seed_line: int


@dataclass(frozen=True)
class Scale:
    name: str          # self_care | mobility
    variant: str       # adult | child
    title: str
    who: str           # whom this variant is for, in the seed's words
    source: str
    seed_line: int
    levels: tuple[str, ...]
    items: tuple[dict, ...]
    bands: tuple[Band, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item["key"] for item in self.items)

    @property
    def max_points(self) -> int:
        return MAX_ITEM_SCORE * len(self.items)

    def band(self, points: int) -> Band:
        for band in self.bands:
            if band.low <= points <= band.high:
                return band
        raise ValueError(f"{points} points outside the bands of {self.name}.{self.variant}")

    def degree_table(self) -> list[int]:
        """Degree for each possible total, index = points (used by the vectorised batch path)."""
        return [self.band(p).degree for p in range(self.max_points + 1)]


ITEM = Table(required={"key": Text(), "text": Text(), "seed_line": SeedLine()}, optional={"note": Text()})
BAND = Table(required={"points": ListOf(Integer(0, 99), exactly=2), "degree": Integer(0, 3), "text": Text(),
                       "seed_line": SeedLine()}, optional={"note": Text()})
VARIANT = Table(required={"title": Text(), "source": Text(), "seed_line": SeedLine(), "who": Text(),
                          "levels": ListOf(Text(), exactly=MAX_ITEM_SCORE + 1), "items": ListOf(ITEM, min=1),
                          "bands": ListOf(BAND, min=1)},
                optional={"note": Text()})
SCALES = Table(required={name: Table(required={"adult": VARIANT, "child": VARIANT}) for name in SCALE_NAMES})
FILE = "data/scales.toml"


@lru_cache(maxsize=1)
def scales() -> dict[tuple[str, str], Scale]:
    spec = check(load_toml("scales.toml"), SCALES, FILE)
    result = {}
    for name in SCALE_NAMES:
        for variant, s in spec[name].items():
            bands = tuple(Band(b["points"][0], b["points"][1], b["degree"], b["text"], b["seed_line"]) for b in s["bands"])
            scale = Scale(name, variant, s["title"], s["who"], s["source"], s["seed_line"], tuple(s["levels"]), tuple(s["items"]), bands)
            _check_bands(scale)
            result[(name, variant)] = scale
    return result


def _check_bands(scale: Scale) -> None:
    # The bands must tile 0..max exactly once, or some totals would have no degree (or two).
    covered = [p for b in scale.bands for p in range(b.low, b.high + 1)]
    if sorted(covered) != list(range(scale.max_points + 1)):
        raise KitError("rule_set_invalid", f"{scale.name}.{scale.variant}.bands", where=f"{FILE}, {scale.name}.{scale.variant}.bands",
                       value=f"полосы не покрывают суммы от 0 до {scale.max_points} ровно по одному разу",
                       allowed="Каждой сумме баллов — одна степень.")


def scale(name: str, variant: str) -> Scale:
    return scales()[(name, variant)]
