"""The models (智能标签归类): data loading, the complaint classifier, the work-order type model, registry, holder."""
