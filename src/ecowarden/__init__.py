"""ecowarden: monitoring, supervision and administration for a county eco-environment bureau."""

__version__ = "0.1.0"
