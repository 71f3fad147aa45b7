"""The embedded API server: store, HTTP handlers, watches, selectors, patches, auth and faults."""
