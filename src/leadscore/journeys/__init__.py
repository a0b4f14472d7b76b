"""`leadscore journeys`: event timelines and score curves of recent leads, won and lost deals."""
