"""Migration scripts, oldest first: ``NNNN_<what>.py`` with revision id ``NNNN``."""
