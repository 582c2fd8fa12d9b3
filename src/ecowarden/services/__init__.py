"""Use cases tying the domain to the store: the only place both meet (DESIGN §3)."""
