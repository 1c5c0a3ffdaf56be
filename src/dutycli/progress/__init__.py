"""督办: forms sent to each unit, the answers collected into a store, status and reports."""
