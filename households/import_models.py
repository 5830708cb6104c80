"""Spreadsheet import jobs (models registered with the households app)."""
