"""Run the service as SAM would, with no AWS account: template reader, moto provisioning, invoker,
and a simulated SQS event source mapping. Used by the tests and by `stockguard demo` / `replay`."""
