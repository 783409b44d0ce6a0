"""The reconciliation (issue 13): Amazon's own state, read on a schedule, decided through the notifications'
path. ReconcileFunction's application: `run.run_reconcile`; its ports and adapters beside it."""
