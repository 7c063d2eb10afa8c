from pathlib import Path

from assistant.pipeline import retrieval_options
from assistant.settings import Settings


def test_hybrid_weights_follow_the_database_unless_set(tmp_path: Path):
    sqlite = Settings(data_dir=tmp_path, database_url=None)
    postgres = Settings(data_dir=tmp_path, database_url="postgresql+psycopg://shop@db.example/shop")
    assert sqlite.resolved_hybrid_weights() == (0.5, 12.0)
    assert postgres.resolved_hybrid_weights() == (0.6, 24.0)
    chosen = Settings(data_dir=tmp_path, database_url=postgres.database_url, dense_weight=0.3, lexical_saturation=8)
    options = retrieval_options(chosen)
    assert (options.dense_weight, options.lexical_saturation) == (0.3, 8.0)
