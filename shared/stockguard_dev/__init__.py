"""StockGuard's dev package: what only people and tests run, never shipped in the Lambda layer.

`stockguard_dev.cli` (the `stockguard` command), `stockguard_dev.simulator` (the local Ads API
simulator on 127.0.0.1) and `stockguard_dev.local` (template.yaml reader, moto provisioning, the
SAM-like invoker and SQS event source). It may import the runtime package `stockguard`; the runtime
package never imports this one (tools/check_build.py fails the build if it does).
"""
