"""HTTP layer of the router service: one router per resource."""
