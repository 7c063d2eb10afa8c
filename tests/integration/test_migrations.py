from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from knowledge_base.db import alembic_config, make_engine, upgrade_to_head
from knowledge_base.models import Base
from knowledge_base.db import include_object


def test_autogenerate_finds_no_difference_between_models_and_migrations(db_url):
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.sqlite_only("FTS5 tables and SQLite pragmas")
def test_upgrade_creates_every_table_the_fts_index_and_runs_in_wal(db_url):
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "faq_fts" in tables
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_downgrade_to_base_and_upgrade_again(db_url):
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade_to_head(engine)
    assert "faq_entries" in inspect(engine).get_table_names()
