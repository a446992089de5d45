"""Order service application package."""
