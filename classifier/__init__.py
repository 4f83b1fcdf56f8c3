"""12345 complaint classifier (智能标签归类): data loading, model, calibration, registry, evaluation."""
