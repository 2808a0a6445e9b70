"""A chat platform that exists only in the tests: proof that a new platform is its own package (this
one), its settings (FAKECHAT_TOKEN) and its docs, with nothing in bot/ naming it. See platform.py."""
