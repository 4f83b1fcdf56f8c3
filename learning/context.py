"""What the learning stage works with: its settings, the database, the model in service, the routing table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from classifier.holder import ModelHolder
from learning.settings import LearningSettings
from routing.table import RoutingTable


@dataclass
class LearningContext:
    settings: LearningSettings
    #: Retraining runs on a background thread, outside any request, so it opens its own sessions.
    sessions: sessionmaker
    #: The category model in service: retraining registers candidates in its registry and swaps it.
    models: ModelHolder
    #: Which category a department implies, for corrections that name only the right department.
    table: RoutingTable
