"""Analysis for leaders: hot issues and early warning, reply quality, and the monthly report.

Layer 3: reads messages and work orders, groups them into issues that citizens raise together,
scores official replies, and renders the report. Only the composition root imports it.
"""
