"""Amazon Ads API side: the port (interface), the httpx client, errors and endpoints."""
