"""Seed companies that look like fresh QuickBooks sandboxes, one module per country."""
