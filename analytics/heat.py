"""The heat index (热度指数) of an issue: how many people it concerns, how much now, and whether it grows.

    heat    = 10 · log2(1 + reach) · recency · growth
    reach   = users + repeat_weight · (messages − users) + max(0, likes − dislikes) / likes_per_voice
    recency = floor + (1 − floor) · 2^(−days since the last message / half_life)
    growth  = 1 + bonus · clip((recent − usual) / (recent + usual), 0, 1)

Why each part:
- *reach* counts people. A citizen who writes has spent real effort, so a distinct author is the
  unit; the same author writing again shows the problem persists but is still one voice, so a
  repeat counts ``repeat_weight`` (½). A like costs one click: ``likes_per_voice`` (10) likes weigh
  as one author, so a message that thousands endorse still outranks one with a handful of
  authors, as it should. Dislikes cancel likes; reach never goes below the authors.
- *log2* because concern grows slower than numbers: the 50th complaint about an estate matters
  less than the 5th, and one viral message must not bury every other issue.
- *recency* halves the weight of an issue's last activity every ``half_life`` (30) days down to
  ``floor`` (½), so leaders see what is live now, while a big issue from months ago still ranks.
- *growth* rewards an issue whose last ``window`` (14) days hold more messages than its usual
  rate over the ``baseline`` (90) days before: up to ``bonus`` (+50 %) for one that only just
  appeared or is accelerating; a steady or fading issue gets no bonus (recency handles fading).
- *10 ·* puts typical values between 10 (one message) and about 100 (a hot issue).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class HeatConfig:
    repeat_weight: float = 0.5
    likes_per_voice: float = 10.0
    half_life_days: float = 30.0
    recency_floor: float = 0.5
    growth_window_days: int = 14
    growth_baseline_days: int = 90
    growth_bonus: float = 0.5


@dataclass(frozen=True)
class Heat:
    heat: float
    reach: float
    recency: float
    growth: float


def heat_index(times: Sequence[datetime], users: Sequence[str], likes: int, dislikes: int, now: datetime,
               config: HeatConfig) -> Heat:
    """The heat of an issue with messages at ``times`` by ``users``, seen at ``now``."""
    if not times:
        return Heat(0.0, 0.0, 0.0, 1.0)
    authors = len(set(users))
    reach = authors + config.repeat_weight * (len(times) - authors) + max(0, likes - dislikes) / config.likes_per_voice
    age_days = max(0.0, (now - max(times)).total_seconds() / 86400)
    recency = config.recency_floor + (1 - config.recency_floor) * 2 ** (-age_days / config.half_life_days)
    window = timedelta(days=config.growth_window_days)
    recent = sum(now - window < t <= now for t in times)
    before = sum(now - window - timedelta(days=config.growth_baseline_days) < t <= now - window for t in times)
    usual = before * config.growth_window_days / config.growth_baseline_days
    change = (recent - usual) / (recent + usual) if recent + usual else 0.0
    growth = 1 + config.growth_bonus * min(1.0, max(0.0, change))
    heat = 10 * math.log2(1 + reach) * recency * growth
    return Heat(round(heat, 2), round(reach, 2), round(recency, 3), round(growth, 3))
