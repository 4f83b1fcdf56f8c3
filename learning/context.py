"""What the learning stage works with: its settings, the database, the models in service, the routing table."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import sessionmaker

from classifier.holder import ModelHolder
from core.settings import BotSettings
from learning.settings import BotTrainingSettings, LearningSettings
from routing.departments.settings import DepartmentSettings
from routing.departments.units import Unit
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
    #: The dispatch model in service (routing.departments), retrained by the same jobs.
    departments: ModelHolder | None = None
    department_settings: DepartmentSettings = field(default_factory=DepartmentSettings)
    #: The unit each routing-table department stands for, for corrections made with table codes.
    table_units: dict[str, Unit] = field(default_factory=dict)
    #: The citizen bot's learning loop: reviewed examples, the retrain job's commands and files.
    bot: BotTrainingSettings = field(default_factory=BotTrainingSettings)
    #: The running Rasa server whose model a bot retrain replaces.
    bot_server: BotSettings = field(default_factory=BotSettings)

    def holder(self, model: str) -> ModelHolder:
        """The model in service that a job or an API call names ("classifier" or "departments")."""
        if model == "departments":
            if self.departments is None:
                raise ValueError("no dispatch model registry configured")
            return self.departments
        return self.models
