"""Spreadsheet import of households, people and transfer applications: the fast path.

A county office's sheet has one row per person with the household's columns repeated. The path is

    check the file (size, type, macros, encryption, zip bomb)      limits.import_file_check
    read rows (csv: UTF-8 with or without BOM, or GB18030; xlsx)   reading.read_rows
    read each cell (texts, dates, codes) of the template's columns  cells
    validate every row with the member rules of households          validation.import_validate
    write households, applications, people, events and history     writer.import_write, one transaction

``jobs`` ties them together (``import_file``) and runs them for an uploaded file kept as an
ImportJob (preview, confirm, import; ``ImportJob.WORKFLOW`` is its move table); ``workbooks``
makes the template and the error file. Celery tasks (``households.tasks``) call ``jobs``; the
package hands work to them by task name and never imports them.

Validation calls the same rules as ``households.services`` (``households.validation.member_check``
over ``households.ids.parse``, ``duplicate_message`` for a person already claimed) and looks up
claims, stations and households in one query per batch. Rows go in through
``nongzhuancheng.bulk`` (COPY on PostgreSQL, executemany elsewhere); events and simple-history rows
are made by the database (INSERT … SELECT).

Imported applications skip ``_move`` and the per-application ``application_completed`` signal on
purpose: they record transfers already done on paper. Their ``ApplicationEvent`` rows (受理, and 办结
for completed ones) and their simple-history rows ('+', see ``limits.history_enabled``) are created
in bulk, with the importing user as actor and the file named in the note. Inside the import's
transaction, ``households.signals.applications_imported`` names its completed applications
(entitlements queues the opening of their people's records through the outbox, in that transaction).

All or nothing: with ``mode="all_or_nothing"`` one bad row means nothing is written. Importing the
same file twice creates nothing the second time: a row whose ID number is already claimed by the
same person of the same household at the same station is skipped as already imported.
"""
