"""Storage: SQLModel tables, the database connection and the migrations; no rules."""
