"""SQL knowledge base: tables, sessions, repositories, retrieval and demo data (no torch import)."""
