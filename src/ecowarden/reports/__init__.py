"""Bulletins and reports rendered from assessment results (terminal now; HTML/PDF later)."""
