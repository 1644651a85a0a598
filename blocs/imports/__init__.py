"""Bulk imports from Excel for the board: units and officers of the province, members and rotation of a bloc."""
