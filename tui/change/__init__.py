"""The change use-case without any UI: plan, draft, apply and follow one change to a setting."""
