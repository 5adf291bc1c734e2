"""Imports from CSV files: contacts, consents and a suppression list, for a shop moving here
from another tool (Mailchimp, Klaviyo, a spreadsheet).

An orchestrator beside ``backfill``: it reads the file (``parsing``, pure), and feeds its rows
to the contacts and messages domains' own services in batches (``services``), so an imported
consent is recorded on the ledger the same way as any other.
"""
