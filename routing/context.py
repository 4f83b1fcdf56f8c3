"""Everything the service loads once at start-up, validated, in one object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from service_guide.catalogue import Catalogue
from service_guide.loader import load_catalogue
from service_guide.matcher import ItemMatcher
from classifier.registry import ModelRegistry
from routing.auth import UserDirectory
from routing.db import make_engine, make_session_factory, upgrade_database
from routing.dispatch import Dispatcher
from routing.model_holder import ModelHolder
from routing.orm import utcnow
from routing.places import PlaceExtractor
from routing.settings import RouterSettings
from routing.sla import SlaTable, load_sla_table
from routing.table import RoutingTable, load_routing_table


@dataclass
class RouterContext:
    settings: RouterSettings
    engine: Engine
    sessions: sessionmaker
    table: RoutingTable
    sla: SlaTable
    dispatcher: Dispatcher
    models: ModelHolder
    types: ModelHolder
    users: UserDirectory
    catalogue: Catalogue
    matcher: ItemMatcher
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def build(cls, settings: RouterSettings) -> "RouterContext":
        """Load and validate configuration, migrate the database, load the current model.

        A broken catalogue entry stops start-up here, naming the item and the field.
        """
        table = load_routing_table(settings.routing_table)
        catalogue = load_catalogue(settings.catalogue_file)
        engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
        upgrade_database(engine)
        models = ModelHolder(ModelRegistry(settings.model_dir))
        models.reload()
        types = ModelHolder(ModelRegistry(settings.type_model_dir))
        types.reload()
        dispatcher = Dispatcher(table, PlaceExtractor(settings.gazetteer), settings.auto_dispatch_threshold)
        dispatcher.places.extract("预热")
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            table=table,
            sla=load_sla_table(settings.sla_table),
            dispatcher=dispatcher,
            models=models,
            types=types,
            users=UserDirectory.from_file(settings.users_file),
            catalogue=catalogue,
            matcher=ItemMatcher().fit(catalogue),
        )
