"""The read-only linked-data server: routes, content negotiation, killable query workers."""
