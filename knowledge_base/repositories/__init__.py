"""Repository functions: keyword-only, taking the session they work in."""
