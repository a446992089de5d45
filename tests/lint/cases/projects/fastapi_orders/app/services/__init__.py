"""Business services; they receive the request's session and never own it."""
