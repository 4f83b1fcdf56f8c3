"""12345 hotline routing: intake, suggested dispatch (智能派单), the closed loop, deadlines, metrics, handoffs."""
