"""The 24/7 network between nodes: outbox, inbox, delivery worker, receipts, peer health."""
