"""The `leadscore` command: a thin shell over :class:`leadscore.app.Application`."""
