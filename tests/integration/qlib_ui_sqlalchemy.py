"""The qlib-ui schema as the backend's SQLAlchemy models declare it.

usage: qlib_ui_sqlalchemy.py URL
Builds the four tables with metadata.create_all() on the database at URL, so
that the compatibility test can check that `retort diff` finds the models
and a database built by SQLAlchemy itself identical.  Written for
SQLAlchemy 1.4 and 2.x alike.
"""
import sys

import sqlalchemy as sa
from sqlalchemy import (JSON, Boolean, CheckConstraint, Column, DateTime, Float,
                        ForeignKey, Index, Integer, String, Text, func)
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def base_columns():
    return [
        Column("id", String(36), primary_key=True, comment="Primary key (UUID)"),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now(),
               comment="Record creation timestamp (UTC)"),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now(),
               comment="Record last update timestamp (UTC)"),
        Column("is_deleted", Boolean, nullable=False, server_default="0", index=True, comment="Soft delete flag"),
        Column("deleted_at", DateTime(timezone=True), nullable=True, comment="Deletion timestamp (UTC)"),
        Column("created_by", String(255), nullable=True, comment="User ID who created this record"),
        Column("updated_by", String(255), nullable=True, comment="User ID who last updated this record"),
    ]


metadata = Base.metadata

datasets = sa.Table(
    "datasets", metadata, *base_columns(),
    Column("name", String(255), nullable=False, index=True, comment="Dataset name"),
    Column("source", String(50), nullable=False, index=True, comment="Data source type"),
    Column("file_path", Text, nullable=False, comment="File path or URI to dataset"),
    Column("status", String(50), nullable=False, server_default="pending", index=True,
           comment="Dataset validation status"),
    Column("row_count", Integer, nullable=False, server_default="0", comment="Number of rows in dataset"),
    Column("columns", JSON, nullable=False, server_default="[]", comment="List of column names (JSON array)"),
    Column("metadata", JSON, nullable=False, server_default="{}", comment="Additional metadata (JSON object)"),
    CheckConstraint("row_count >= 0", name="check_row_count_non_negative"),
    Index("ix_dataset_source_status", "source", "status"),
    Index("ix_dataset_status_created", "status", "created_at"),
    Index("ix_dataset_name_source", "name", "source"),
    Index("ix_dataset_deleted_created", "is_deleted", "created_at"),
    comment="Dataset storage table",
)

chart_configs = sa.Table(
    "chart_configs", metadata, *base_columns(),
    Column("name", String(255), nullable=False, index=True, comment="Chart name/title"),
    Column("chart_type", String(50), nullable=False, index=True, comment="Chart visualization type"),
    Column("dataset_id", String(36), ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False, index=True,
           comment="Reference to parent dataset"),
    Column("config", JSON, nullable=False, server_default="{}", comment="Chart configuration (JSON object)"),
    Column("description", Text, nullable=True, comment="Chart description"),
    Index("ix_chart_dataset_type", "dataset_id", "chart_type"),
    Index("ix_chart_type_name", "chart_type", "name"),
    Index("ix_chart_deleted_created", "is_deleted", "created_at"),
    Index("ix_chart_dataset_deleted", "dataset_id", "is_deleted"),
    comment="Chart configuration storage table",
)

user_preferences = sa.Table(
    "user_preferences", metadata, *base_columns(),
    Column("user_id", String(255), nullable=False, unique=True, index=True, comment="Unique user identifier"),
    Column("mode", String(50), nullable=False, server_default="beginner", index=True,
           comment="User experience mode (beginner/expert)"),
    Column("language", String(10), nullable=False, server_default="en",
           comment="UI language preference (ISO 639-1 code)"),
    Column("theme", String(50), nullable=False, server_default="light", comment="UI theme preference"),
    Column("show_tooltips", Boolean, nullable=False, server_default="1", comment="Whether to show UI tooltips"),
    Column("completed_guides", JSON, nullable=False, server_default="[]",
           comment="List of completed onboarding guide IDs (JSON array)"),
    Column("settings", JSON, nullable=False, server_default="{}",
           comment="Additional user-specific settings (JSON object)"),
    Index("ix_user_prefs_user_mode", "user_id", "mode"),
    Index("ix_user_prefs_deleted_created", "is_deleted", "created_at"),
    comment="User preferences and settings storage table",
)

import_tasks = sa.Table(
    "import_tasks", metadata, *base_columns(),
    Column("task_name", String(255), nullable=False, index=True, comment="Human-readable task name"),
    Column("import_type", String(50), nullable=False, index=True, comment="Import file type (csv, excel, qlib, json)"),
    Column("status", String(50), nullable=False, server_default="pending", index=True, comment="Import task status"),
    Column("original_filename", String(255), nullable=False, comment="Original uploaded filename"),
    Column("file_path", Text, nullable=False, comment="Server file path where uploaded file is stored"),
    Column("file_size", Integer, nullable=False, comment="File size in bytes"),
    Column("total_rows", Integer, nullable=False, comment="Total rows to process"),
    Column("processed_rows", Integer, nullable=False, comment="Number of rows processed"),
    Column("progress_percentage", Float, nullable=False, comment="Progress percentage (0-100)"),
    Column("error_count", Integer, nullable=False, comment="Number of errors encountered"),
    Column("error_message", Text, nullable=True, comment="Error message if task failed"),
    Column("validation_errors", JSON, nullable=True, comment="List of validation errors (JSON array)"),
    Column("parsing_metadata", JSON, nullable=True, comment="Parsing metadata (columns detected, data types, etc.)"),
    Column("import_config", JSON, nullable=True,
           comment="Import configuration (delimiter, encoding, skip rows, etc.)"),
    Column("user_id", String(255), nullable=True, index=True, comment="User who initiated the import (optional for now)"),
    Column("dataset_id", String(36), ForeignKey("datasets.id", ondelete="SET NULL"), nullable=True, index=True,
           comment="ID of dataset created or updated by this import"),
    Index("ix_import_status_created", "status", "created_at"),
    Index("ix_import_user_status", "user_id", "status"),
    Index("ix_import_type_status", "import_type", "status"),
    Index("ix_import_deleted_status_created", "is_deleted", "status", "created_at"),
    Index("ix_import_dataset_deleted_created", "dataset_id", "is_deleted", "created_at"),
    Index("ix_import_user_deleted_created", "user_id", "is_deleted", "created_at"),
    comment="Import task tracking table",
)

if __name__ == "__main__":
    url = sys.argv[1]
    scheme, sep, rest = url.partition("://")
    url = {"postgresql+asyncpg": "postgresql+psycopg2"}.get(scheme, scheme) + sep + rest
    metadata.create_all(sa.create_engine(url))
