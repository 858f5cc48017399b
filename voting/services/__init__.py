"""Use cases: one function per thing a clerk, deputy or auditor does; load, decide, store."""
