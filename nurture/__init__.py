"""Nurture: infant massage programmes end to end, and baby-led massage support at home."""
