"""The WeChat Official Account (公众号) channel: WeChat's server callback, bridged to the Rasa bot."""
