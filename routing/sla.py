"""Service-level deadlines (办理时限) by work-order type and urgency, from a YAML table."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError, model_validator


class Deadline(BaseModel):
    response_hours: float
    completion_hours: float


class SlaTable(BaseModel):
    types: list[str]
    urgencies: list[str]
    deadlines: dict[str, dict[str, Deadline]]

    @model_validator(mode="after")
    def _complete(self) -> SlaTable:
        for ticket_type in self.types:
            for urgency in self.urgencies:
                if urgency not in self.deadlines.get(ticket_type, {}):
                    raise ValueError(f"no deadline for {ticket_type}/{urgency}")
        return self

    def deadlines_for(self, ticket_type: str, urgency: str, received_at: datetime) -> tuple[datetime, datetime]:
        """Response and completion due times for an order received at ``received_at``."""
        rule = self.deadlines[ticket_type][urgency]
        return (
            received_at + timedelta(hours=rule.response_hours),
            received_at + timedelta(hours=rule.completion_hours),
        )


def load_sla_table(path: Path | str) -> SlaTable:
    try:
        return SlaTable.model_validate(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"时限表无效 / invalid SLA table {path}: {exc}") from exc
