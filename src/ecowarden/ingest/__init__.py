"""Ingest adapters: HJ 212 gateway, MQTT subscriber, file import, device simulator."""
