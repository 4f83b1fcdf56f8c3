"""12345 hotline router: work orders, suggested dispatch (智能派单), the closed loop, metrics, feedback."""
