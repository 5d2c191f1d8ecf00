"""One router per resource: scoring, the model, and the operational probes."""
