"""智能派单 learned from real orders: labels from official replies, the learned gazetteer, the
dispatch model, its evaluation by time, and the CLI (``python -m routing.departments``)."""
